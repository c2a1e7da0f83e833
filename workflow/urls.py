"""The officials' pages under /staff/."""
from django.contrib.auth import views as auth_views
from django.urls import path

from workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="workflow:login"), name="logout"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/transitions/<str:name>/", views.transition, name="transition"),
]
