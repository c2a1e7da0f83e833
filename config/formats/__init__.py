"""Date input formats for the site's languages (``FORMAT_MODULE_PATH``): the other formats come from
Django's own locale files."""
