"""The product's one way of writing dates and times (FORMAT_MODULE_PATH points here), in the viewer's zone.

Templates say `{{ value|date }}` for a day and `{{ value|date:"DATETIME_FORMAT" }}` for a moment, Python
`formats.date_format(value)` / `formats.date_format(value, "DATETIME_FORMAT")`: a change here changes every
page, email and admin list. Machine formats (`<time datetime>`, `<input type="date">` values) stay ISO 8601.
Day-month order and a 24-hour clock read the same to every English-speaking reader (no 12/08 ambiguity).
"""

DATE_FORMAT = "j M Y"  # 8 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 8 Dec 2026, 14:05
TIME_FORMAT = "H:i"  # 14:05
MONTH_DAY_FORMAT = "j M"  # 8 Dec: short labels where the year goes without saying (a chart's axis)
YEAR_MONTH_FORMAT = "F Y"  # December 2026
# Django's "short" formats (the admin's lists among their readers) are the same ones.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
