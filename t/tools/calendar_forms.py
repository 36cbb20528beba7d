#!/usr/bin/python3
"""Reads an iCalendar body in one of its three forms and prints its VEVENTs
as JSON: [{"uid", "dtstart", "dtend", "summary", "rrule", "exdate"}], sorted,
so that the t/ tests can compare iCal, jCal (RFC 7265) and xCal (RFC 6321)
answers to the same query. Parsers: python3-icalendar for iCal, json and
xml.etree for the others (none shares code with civic's writers).

    calendar_forms.py ics|jcal|xcal FILE
"""
import json
import sys
import xml.etree.ElementTree as ET

NS = "{urn:ietf:params:xml:ns:icalendar-2.0}"
WANTED = ("uid", "dtstart", "dtend", "summary", "rrule", "exdate")


def compact(value):
    # jCal / xCal write 2026-10-20T18:00:00; iCal 20261020T180000.
    return value.replace("-", "").replace(":", "")


def from_ics(text):
    from icalendar import Calendar
    events = []
    for c in Calendar.from_ical(text).walk("VEVENT"):
        e = {}
        for name in WANTED:
            if name.upper() not in c:
                continue
            prop = c[name.upper()]
            props = prop if isinstance(prop, list) else [prop]
            values = []
            for p in props:
                raw = p.to_ical().decode()
                tzid = p.params.get("TZID", "") if hasattr(p, "params") else ""
                values.append(raw + ("/" + tzid if tzid else ""))
            if name in ("dtstart", "dtend"):
                e[name] = values[0]
            elif name == "exdate":
                e[name] = sorted(v for x in values for v in split_multi(x))
            elif name == "rrule":
                e[name] = values[0]
            else:
                e[name] = str(c[name.upper()])
        events.append(e)
    return events


def split_multi(value):
    tz = ""
    if "/" in value:
        value, tz = value.split("/", 1)
    return [v + ("/" + tz if tz else "") for v in value.split(",")]


def rrule_text(recur):
    # RFC 7265 §3.6.10: the recur value as an object.
    parts = []
    for k, v in recur.items():
        vals = v if isinstance(v, list) else [v]
        parts.append(k.upper() + "=" + ",".join(compact(str(x)) if k == "until" else str(x) for x in vals))
    return ";".join(parts)


def from_jcal(text):
    doc = json.loads(text)
    assert doc[0] == "vcalendar", "not a vcalendar"
    events = []
    for comp in doc[2]:
        if comp[0] != "vevent":
            continue
        e = {}
        for name, params, vtype, *values in comp[1]:
            if name not in WANTED:
                continue
            tz = params.get("tzid", "")
            if name == "rrule":
                e[name] = rrule_text(values[0])
            elif name == "exdate":
                e.setdefault("exdate", [])
                e["exdate"] += [compact(v) + ("/" + tz if tz else "") for v in values]
                e["exdate"].sort()
            elif name in ("dtstart", "dtend"):
                e[name] = compact(values[0]) + ("/" + tz if tz else "")
            else:
                e[name] = values[0]
        events.append(e)
    return events


def from_xcal(text):
    root = ET.fromstring(text)
    assert root.tag == NS + "icalendar", root.tag
    events = []
    for comp in root.iter(NS + "vevent"):
        e = {}
        for prop in comp.find(NS + "properties"):
            name = prop.tag[len(NS):]
            if name not in WANTED:
                continue
            tz = ""
            params = prop.find(NS + "parameters")
            if params is not None and params.find(NS + "tzid") is not None:
                tz = params.find(NS + "tzid").find(NS + "text").text
            values = [v for v in prop if v.tag != NS + "parameters"]
            if name == "rrule":
                recur = {}
                for part in values[0]:
                    recur.setdefault(part.tag[len(NS):], []).append(part.text)
                e[name] = rrule_text({k: v if len(v) > 1 else v[0] for k, v in recur.items()})
            elif name == "exdate":
                e.setdefault("exdate", [])
                e["exdate"] += [compact(v.text) + ("/" + tz if tz else "") for v in values]
                e["exdate"].sort()
            elif name in ("dtstart", "dtend"):
                e[name] = compact(values[0].text) + ("/" + tz if tz else "")
            else:
                e[name] = values[0].text
        events.append(e)
    return events


def main():
    form, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    reader = {"ics": from_ics, "jcal": lambda d: from_jcal(d.decode()), "xcal": from_xcal}[form]
    events = reader(data)
    events.sort(key=lambda e: (e.get("uid", ""), e.get("dtstart", "")))
    print(json.dumps(events, sort_keys=True, ensure_ascii=False))


if __name__ == "__main__":
    main()
