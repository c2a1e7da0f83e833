"""The peak-hour mix for ``bench/load.py`` (locust): citizens, officers and supervisors.

The volume. Bắc Ninh receives some 10,000 PAKN a year ("thousands"); a hundred times that is
1,000,000 a year, i.e. 4,000 per working day (250 days) or 500 per office hour, and the busiest
hour carries three times the average: 1,500 submissions an hour, 0.42 a second. Around each
submission, in the same hour:

* citizens: the submission itself (multipart, one phone photo), and 12 looks at public cases
  (the case page and its API), 5 a second;
* reception and agency officers: the three steps each case takes (route, accept, answer:
  1.25 a second), 4 inbox loads and 2 case pages per step (5 and 2.5 a second);
* supervisors: the dashboard and the summary API, 0.5 a second.

About 15 requests a second in all (``PAKN_LOAD_SCALE`` multiplies every rate). Each user class
runs at a constant throughput; the runner sets how many users of each (``fixed_count`` from the
environment). Staff sign in with tokens and a session made by the runner (``PAKN_LOAD_AUTH``),
never through the throttled login. A 409 (a colleague took the case first) is the workflow
working as designed and counts as a success.
"""
import itertools
import json
import os
import random

from locust import HttpUser, constant_throughput, task

AUTH = json.loads(os.environ.get("PAKN_LOAD_AUTH", "{}"))
HOSTS = itertools.cycle(os.environ.get("PAKN_LOAD_HOSTS", "").split(",") or [None])
SCALE = float(os.environ.get("PAKN_LOAD_SCALE", "1"))
PHOTO = open(os.environ["PAKN_LOAD_PHOTO"], "rb").read() if os.environ.get("PAKN_LOAD_PHOTO") else None
CATEGORIES = ["chieu-sang", "giao-thong", "ngap-ung", "cay-xanh"]
AGENCY = os.environ.get("PAKN_LOAD_AGENCY", "so-xay-dung")
codes = []  # tracking codes made in this run, for the public views


def users(kind):
    return int(os.environ.get(f"PAKN_LOAD_{kind.upper()}", "0"))


class Spread(HttpUser):
    """Each user talks to one worker, the next user to the next (as a balancer would spread them)."""

    abstract = True

    def __init__(self, environment):
        host = next(HOSTS)
        if host:
            self.host = host
        super().__init__(environment)


class Citizen(Spread):
    fixed_count = users("citizens")
    wait_time = constant_throughput(5.42 * SCALE / max(users("citizens"), 1))

    @task(1)
    def submit(self):
        data = {"kind": "on_site", "category": random.choice(CATEGORIES), "title": "Đèn đường hỏng trước ngõ",
                "description": "Đèn đường trước số 12 tắt đã một tuần, buổi tối rất tối.", "publish_consent": "true",
                "address": "Số 12 đường Lý Thái Tổ, Bắc Ninh", "latitude": f"{21.18 + random.random() / 50:.6f}",
                "longitude": f"{106.06 + random.random() / 50:.6f}",
                "contact_name": "Nguyễn Văn A", "contact_phone": "0912345678"}
        files = {"photos": ("photo.jpg", PHOTO, "image/jpeg")} if PHOTO else None
        with self.client.post("/api/v1/feedback/", data=data, files=files, name="citizen: submit with a photo",
                              headers={"User-Agent": "Mozilla/5.0 (Linux; Android 13) Mobile"},
                              catch_response=True) as response:
            if response.status_code == 201:
                codes.append(response.json()["tracking_code"])
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(12)
    def public_view(self):
        if not codes:
            return
        code = random.choice(codes[-200:])
        if random.random() < 0.5:
            self.client.get(f"/phan-anh/{code}/", name="citizen: public case page")
        else:
            self.client.get(f"/api/v1/feedback/{code}/", name="citizen: public case API")


class Staff(Spread):
    abstract = True
    role = ""

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {AUTH[self.role]['token']}"

    def inbox(self, queue):
        response = self.client.get(f"/api/v1/cases/?queue={queue}", name="officer: inbox (API)")
        return response.json().get("results", []) if response.status_code == 200 else []

    def act(self, case_id, name, body=None):
        with self.client.post(f"/api/v1/cases/{case_id}/transitions/{name}/", json=body or {},
                              name=f"officer: transition {name}", catch_response=True) as response:
            if response.status_code in (200, 409):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    def case_page(self, case_id):
        self.client.get(f"/api/v1/cases/{case_id}/", name="officer: case (API)")


class Reception(Staff):
    role = "reception"
    fixed_count = users("reception")
    # Per case: 1 route, 4 inbox loads, 2 case pages (a third of the officers' 7 requests per step).
    wait_time = constant_throughput(0.42 * 7 * SCALE / max(users("reception"), 1))

    @task(4)
    def look(self):
        self.inbox("reception")

    @task(2)
    def open_case(self):
        cases = self.inbox("reception")
        if cases:
            self.case_page(random.choice(cases)["id"])

    @task(1)
    def route(self):
        cases = [c for c in self.inbox("reception") if "route" in c["available_transitions"]]
        if cases:
            self.act(random.choice(cases)["id"], "route", {"agency": AGENCY})


class AgencyOfficer(Staff):
    role = "officer"
    fixed_count = users("officers")
    wait_time = constant_throughput(0.42 * 14 * SCALE / max(users("officers"), 1))

    @task(8)
    def look(self):
        self.inbox("agency")

    @task(4)
    def open_case(self):
        cases = self.inbox("agency")
        if cases:
            self.case_page(random.choice(cases)["id"])

    @task(1)
    def accept(self):
        cases = [c for c in self.inbox("agency") if "accept" in c["available_transitions"]]
        if cases:
            self.act(random.choice(cases)["id"], "accept")

    @task(1)
    def answer(self):
        cases = [c for c in self.inbox("agency") if "answer" in c["available_transitions"]]
        if cases:
            self.act(random.choice(cases)["id"], "answer", {"answer": "Đã thay bóng đèn, xin cảm ơn."})


class Supervisor(Spread):
    fixed_count = users("supervisors")
    wait_time = constant_throughput(0.5 * SCALE / max(users("supervisors"), 1))

    def on_start(self):
        self.client.cookies.set("sessionid", AUTH["supervisor"]["session"])
        self.client.headers["Authorization"] = f"Token {AUTH['supervisor']['token']}"

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/", name="supervisor: dashboard page")

    @task(1)
    def summary(self):
        self.client.get("/api/v1/metrics/summary/", name="supervisor: summary API")
