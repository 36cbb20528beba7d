#!/usr/bin/python3
"""A fake Linked Events API (v1) for the follower's tests (issue 18): serves
Helsinki's event list the way a civic calendar following it reads it.

  fake_linkedevents.py --port 0 --port-file F --data D [--log L] [--control C]

--port N        listen on 127.0.0.1:N; 0 picks a free port
--port-file F   the port actually bound is written there once listening
--data D        the events, read again for every request (a test edits it
                between syncs; write it whole and rename it into place):
                  {"events": [...], "places": {"tprek:7254": {...}},
                   "keywords": {"yso:p1235": {...}}}
                Events are stored in Linked Events' shape with plain ids:
                "location": "tprek:7254" or null, "keywords": ["yso:p1235"],
                "super_event": "helsinki:sup1" or null, "sub_events": [ids],
                "publisher", "last_modified_time", "deleted", and any other
                field, passed through. An element that is not an object is
                passed through untouched and never filtered out (its
                last_modified_time counts as the earliest).
--log L         one JSON line per request: time (when it arrived), path
                (without the query), query ([[name, value], ...] decoded, in
                the order sent), status (what was answered), if_none_match
--control C     if C exists, it is read again for every request; its words:
                  status=CODE          answer everything with CODE
                  fail_page=P          event-list page P answers 500 (repeatable)
                  fail_once_page=P     the same, only for the first such
                                       request since C was last modified
                  delay=SECONDS        sleep before answering
                  delay_page=P:SECONDS sleep before answering event-list page P

What is served (BASE is "http://" + Host + the path before "event/"):
  GET .../event/   {"meta": {"count", "next", "previous"}, "data": [...]};
                   include=location,keywords; publisher=A,B;
                   last_modified_since=ISO 8601; show_deleted=true;
                   sort=last_modified_time|-last_modified_time (the default),
                   ties by id; page, page_size (20 by default, 100 at most);
                   a strong ETag, If-None-Match answers 304
  GET BASE/place/ID/, BASE/keyword/ID/   the object, or 404
Errors are {"detail": "..."} as Linked Events (Django REST framework) has them.

Debian's /usr/bin/python3 and its standard library only.
"""
import argparse
import datetime
import hashlib
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.parse

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
UTC = datetime.timezone.utc
EARLIEST = datetime.datetime.min.replace(tzinfo=UTC)  # a missing or unreadable time
DELETED_NAME = {"fi": "POISTETTU", "sv": "RADERAD", "en": "DELETED"}

# 2027-03-01, 2027-03-01T16:00:00Z, 2026-11-20T10:11:12.123456+02:00, ...
ISO_8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?)?")


def parse_time(text):
    """An ISO 8601 date or date-time as an aware datetime, or None. A date
    is its start in UTC, and so is a date-time without an offset; the
    fraction is kept to the microsecond."""
    if not isinstance(text, str):
        return None
    m = ISO_8601.fullmatch(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, offset = m.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    zone = UTC
    if offset and offset not in ("Z", "z"):
        digits = offset[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or "0")
        zone = datetime.timezone(datetime.timedelta(minutes=minutes if offset[0] == "+" else -minutes))
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                 int(second or 0), micros, tzinfo=zone)
    except ValueError:  # 2027-02-30 and the like
        return None


class Control:
    """The words of the --control file, read again for every request."""

    def __init__(self, path):
        self.status = None
        self.fail_pages = set()
        self.fail_once_pages = set()
        self.delay = 0.0
        self.delay_pages = {}
        self.mtime = None  # for fail_once_page: the file's version
        self.error = None  # a word we could not read: answered as a 500
        if not path:
            return
        try:
            with open(path, encoding="utf-8") as f:
                self.mtime = os.fstat(f.fileno()).st_mtime_ns
                words = f.read().split()
        except FileNotFoundError:
            return
        for word in words:
            name, _, value = word.partition("=")
            try:
                if name == "status":
                    self.status = int(value)
                elif name == "fail_page":
                    self.fail_pages.add(int(value))
                elif name == "fail_once_page":
                    self.fail_once_pages.add(int(value))
                elif name == "delay":
                    self.delay = float(value)
                elif name == "delay_page":
                    page, _, seconds = value.partition(":")
                    self.delay_pages[int(page)] = float(seconds)
                else:
                    raise ValueError(name)
            except ValueError:
                self.error = "fake control: cannot read the word " + repr(word)


class Answer(Exception):
    """Ends a request with this status and {"detail": detail}."""

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def link(base, kind, ident):
    return {"@id": base + kind + "/" + str(ident) + "/"}


def render_linked(base, kind, ident, objects, type_name):
    """A place or keyword: the whole object from the data file (include=, and
    GET BASE/place/ID/), or only its {"@id"} when the data has no such id."""
    found = objects.get(ident) if isinstance(objects, dict) else None
    if not isinstance(found, dict):
        return None
    out = dict(found)
    out["@id"] = base + kind + "/" + ident + "/"
    out["id"] = ident
    out["@context"] = "http://schema.org"
    out["@type"] = type_name
    return out


def render_event(base, event, data, include):
    """One item of "data", as Linked Events renders it."""
    if not isinstance(event, dict):
        return event  # a test's malformed item: untouched
    if event.get("deleted") is True:
        # Only what Linked Events keeps showing of a deleted event.
        return {"id": event.get("id"), "name": dict(DELETED_NAME),
                "last_modified_time": event.get("last_modified_time"),
                "deleted": True, "replaced_by": None}
    out = dict(event)
    if "location" in out and isinstance(out["location"], str):
        ident = out["location"]
        out["location"] = (("location" in include and render_linked(base, "place", ident, data.get("places"), "Place"))
                           or link(base, "place", ident))
    if isinstance(out.get("keywords"), list):
        out["keywords"] = [
            (("keywords" in include and render_linked(base, "keyword", k, data.get("keywords"), "Keyword"))
             or link(base, "keyword", k)) if isinstance(k, str) else k
            for k in out["keywords"]]
    if isinstance(out.get("super_event"), str):
        out["super_event"] = link(base, "event", out["super_event"])
    if isinstance(out.get("sub_events"), list):
        out["sub_events"] = [link(base, "event", s) if isinstance(s, str) else s for s in out["sub_events"]]
    if "id" in out:
        out["@id"] = base + "event/" + str(out["id"]) + "/"
    out["@context"] = "http://schema.org"
    out["@type"] = "Event/LinkedEvent"
    return out


def modified(event):
    if not isinstance(event, dict):
        return EARLIEST  # a non-object's last_modified_time counts as ""
    return parse_time(event.get("last_modified_time")) or EARLIEST


def event_id(event):
    ident = event.get("id") if isinstance(event, dict) else None
    return ident if isinstance(ident, str) else ""


def last(query, name):
    """A parameter's value as Django's QueryDict.get has it: the last one."""
    found = None
    for n, v in query:
        if n == name:
            found = v
    return found


def page_url(base, raw_query, page):
    """BASE + "event/?" + the query as the client sent it, page set to page."""
    pieces = []
    placed = False
    for piece in raw_query.split("&") if raw_query else []:
        name = urllib.parse.unquote_plus(piece.partition("=")[0])
        if name == "page":
            if not placed:
                pieces.append("page=" + str(page))
                placed = True
            continue  # a second page= would contradict the first
        pieces.append(piece)
    if not placed:
        pieces.append("page=" + str(page))
    return base + "event/?" + "&".join(pieces)


def event_list(base, raw_query, query, data):
    """The body of GET .../event/ (raises Answer for 400 and 404)."""
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        events = []
    include = set((last(query, "include") or "").split(","))

    # Filters. Non-objects are never filtered out.
    publishers = {p for p in (last(query, "publisher") or "").split(",") if p}
    since_text = last(query, "last_modified_since")
    since = None
    if since_text:
        since = parse_time(since_text)
        if since is None:
            raise Answer(400, "last_modified_since must be an ISO 8601 date or date-time, not "
                         + repr(since_text) + " (an unencoded + reads as a space)")
    show_deleted = (last(query, "show_deleted") or "").lower() == "true"
    kept = []
    for e in events:
        if isinstance(e, dict):
            if publishers and e.get("publisher") not in publishers:
                continue
            if since is not None and modified(e) < since:
                continue
            if e.get("deleted") is True and not show_deleted:
                continue
        kept.append(e)

    # Order: by id first, then (stably, also when reversed) by the time.
    sort = last(query, "sort") or "-last_modified_time"
    if sort not in ("last_modified_time", "-last_modified_time"):
        raise Answer(400, "the fake sorts by last_modified_time or -last_modified_time, not " + repr(sort))
    kept.sort(key=event_id)
    kept.sort(key=modified, reverse=sort.startswith("-"))

    # Paging as Django REST framework's PageNumberPagination does it.
    size = DEFAULT_PAGE_SIZE
    try:
        asked = int(last(query, "page_size") or "")
        if asked > 0:
            size = min(asked, MAX_PAGE_SIZE)
    except ValueError:
        pass
    try:
        page = int(last(query, "page") or "1")
    except ValueError:
        raise Answer(404, "Invalid page.")
    pages = max(1, (len(kept) + size - 1) // size)
    if page < 1 or page > pages:
        raise Answer(404, "Invalid page.")
    shown = kept[(page - 1) * size:page * size]
    return {
        "meta": {
            "count": len(kept),
            "next": page_url(base, raw_query, page + 1) if page < pages else None,
            "previous": page_url(base, raw_query, page - 1) if page > 1 else None,
        },
        "data": [render_event(base, e, data, include) for e in shown],
    }


def main():
    ap = argparse.ArgumentParser(description="civic's test Linked Events API")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--data", required=True)
    ap.add_argument("--log")
    ap.add_argument("--control")
    args = ap.parse_args()

    lock = threading.Lock()
    failed_once = set()  # (page, control file mtime) already failed by fail_once_page
    log = open(args.log, "a", encoding="utf-8") if args.log else None

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API would

        def do_GET(self):
            arrived = time.time()
            path, _, raw_query = self.path.partition("?")
            query = urllib.parse.parse_qsl(raw_query, keep_blank_values=True)
            if_none_match = self.headers.get("if-none-match")
            base_host = "http://" + (self.headers.get("host") or "127.0.0.1:%d" % self.server.server_address[1])
            is_list = path.endswith("/event/")
            page = None  # the event-list page asked for, for the control words
            if is_list:
                try:
                    page = int(last(query, "page") or "1")
                except ValueError:
                    pass

            ctl = Control(args.control)
            delay = ctl.delay + ctl.delay_pages.get(page, 0.0)
            if delay > 0:
                time.sleep(delay)

            status, body, etag = 200, None, None
            try:
                if ctl.error:
                    raise Answer(500, ctl.error)
                if ctl.status is not None:
                    raise Answer(ctl.status, "fake failure")
                if page is not None and page in ctl.fail_pages:
                    raise Answer(500, "fake failure")
                if page is not None and page in ctl.fail_once_pages:
                    with lock:
                        first = (page, ctl.mtime) not in failed_once
                        failed_once.add((page, ctl.mtime))
                    if first:
                        raise Answer(500, "fake failure")
                try:
                    with open(args.data, encoding="utf-8") as f:
                        data = json.load(f)
                except (OSError, ValueError) as e:
                    raise Answer(500, "fake data file: " + str(e))
                if not isinstance(data, dict):
                    raise Answer(500, "fake data file: not a JSON object")
                if is_list:
                    base = base_host + path[:-len("event/")]
                    answer = event_list(base, raw_query, query, data)
                else:
                    # BASE/place/ID/ or BASE/keyword/ID/
                    m = re.fullmatch(r"(.*/)(place|keyword)/([^/]+)/", path)
                    if not m:
                        raise Answer(404, "Not found.")
                    base, kind, ident = base_host + m.group(1), m.group(2), urllib.parse.unquote(m.group(3))
                    answer = render_linked(base, kind, ident, data.get(kind + "s"),
                                           "Place" if kind == "place" else "Keyword")
                    if answer is None:
                        raise Answer(404, "Not found.")
                body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
                if if_none_match:
                    named = [t.strip() for t in if_none_match.split(",")]
                    # If-None-Match compares weakly: W/"x" names "x" too.
                    if "*" in named or etag in [t[2:] if t.startswith("W/") else t for t in named]:
                        status, body = 304, None
            except Answer as a:
                status, etag = a.status, None
                body = json.dumps({"detail": a.detail}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                if a.status in (204, 304) or a.status < 200:
                    body = None  # (status=304 in the control file) these carry no body

            record = {
                "time": arrived,
                "path": path,
                "query": [[n, v] for n, v in query],
                "status": status,
                "if_none_match": if_none_match,
            }
            if log:
                with lock:
                    log.write(json.dumps(record) + "\n")
                    log.flush()
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body is not None:
                self.wfile.write(body)

        def log_message(self, fmt, *a):
            pass  # the --log file is the record

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 256  # a burst of connections (the default 5 drops some)

        def handle_error(self, request, client_address):
            # A follower that gave up (its timeout) is a test's doing, not ours.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.port_file:
        # Written whole, then renamed: a reader never sees half a number.
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(str(server.server_address[1]) + "\n")
        os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
