# The English pages write dates day first too (they serve the same province): typed dates are read
# the same way in both languages, never month first.
from config.formats.vi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401
