# Dates are typed day first in Vietnam, as every page writes them. Django's Vietnamese locale
# names no input formats, so its defaults would read "07/12/2026" month first (12 July): a day
# off entered in the admin would silently land on the wrong day. ISO stays accepted (date pickers).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
]
