"""Progress of the seeding, shown while it runs."""


class Progress:
    """A one-line bar on stderr, redrawn in place on a terminal; a few plain lines otherwise."""

    def __init__(self, stream, total):
        self.stream, self.total, self.shown = stream, total, -1
        self.live = total >= 50 and stream.isatty()
        self.quiet = not self.live and total < 500

    def update(self, done):
        if self.quiet:
            return
        step = done * (40 if self.live else 4) // self.total
        if step == self.shown and done != self.total:
            return
        self.shown = step
        if self.live:
            bar = "#" * (done * 30 // self.total)
            self.stream.write(f"\rSeeding cases [{bar:<30}] {done}/{self.total}", ending="")
            if done == self.total:
                self.stream.write("")
        else:
            self.stream.write(f"Seeding cases: {done}/{self.total}")
        self.stream.flush()
