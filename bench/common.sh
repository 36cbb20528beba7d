# shellcheck shell=bash
# bench/common.sh: what bench/feed, bench/submit and bench/apache share.
# Sourced, not run. The functions read the calling script's $root (the
# repository), $work (its work directory) and, for wrk, $threads,
# $connections and $duration.

free_port() { perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1) or die; print $s->sockport'; }
seconds() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
ratio() { calc "$1 / $2"; }

# wrk: a short warm-up, then the measured run; prints requests per second.
measure() {  # URL [wrk options]
  local url=$1; shift
  wrk -t"$threads" -c"$connections" -d2s "$@" "$url" >/dev/null
  wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" "$url" | awk '/^Requests\/sec:/ {print $2}'
}

# ---- the feeds (bench/feed, bench/apache)

# The two calendars, as nginx's http{} lines.
feed_calendars() {
cat <<'END'
    civic_calendar bench1k {
        title fi "Tapahtumat"; title sv "Evenemang"; title en "Events";
        languages fi sv en; timezone Europe/Helsinki; refresh 1h;
        feed_window 10y 10y;  # (a) is the whole calendar, whatever today is
    }
    civic_calendar bench100k {
        title fi "Kaikki tapahtumat"; title sv "Alla evenemang"; title en "All events";
        languages fi sv en; timezone Europe/Helsinki; refresh 1h;
    }
END
}

# bench/feed's nginx with civic: one worker, the two calendars, civic_feed_cache
# CACHE (16m or off).
feed_civic_conf() {  # PORT PIDFILE CACHE
cat <<END
load_module $root/build/ngx_http_civic_module.so;
worker_processes 1;
error_log $work/logs/civic-error.log warn;
pid $2;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/tmp;
    civic_store $work/store create max_size=4g;
    civic_feed_cache $3;
$(feed_calendars)
    server {
        listen 127.0.0.1:$1;
        location /calendars/ { civic_calendars; }
    }
}
END
}

# A plain nginx (one worker) that serves ROOT's files with sendfile, and
# /204 with return 204.
feed_static_conf() {  # PORT PIDFILE ROOT
cat <<END
worker_processes 1;
error_log $work/logs/static-error.log warn;
pid $2;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/tmp;
    sendfile on;
    tcp_nopush on;
    types { text/calendar ics; application/json json; }
    server {
        listen 127.0.0.1:$1;
        root $3;
        location = /204 { return 204; }
    }
}
END
}

# The feeds measured: (a) the whole 1,000-event calendar (and (b), its 304),
# (c) one week of the 100,000-event one, (d) a 20-item JSON page of it,
# (e) the same week as JSON.
feed_a="/calendars/bench1k.ics"
feed_c="/calendars/bench100k.ics?start=2030-03-04&end=2030-03-10"
feed_d="/calendars/bench100k.json?page=3"
feed_e="/calendars/bench100k.json?start=2030-03-04&end=2030-03-10&page_size=100"

# Generates the calendars' events and imports them into STORE (which a
# running server has recorded both calendars in).
feed_import() {  # STORE
  local civicctl=("$root/build/civicctl" --store "$1") t0 t1 t2 t3
  for _ in $(seq 100); do "${civicctl[@]}" stat 2>/dev/null | grep -q bench100k && break; sleep 0.1; done
  t0=$(seconds)
  bench/generate-events 1000 20 2027-01-04 small > "$work/1k.json"
  bench/generate-events 100000 200 2027-01-04 big > "$work/100k.json"
  t1=$(seconds)
  "${civicctl[@]}" import bench1k "$work/1k.json" >/dev/null
  t2=$(seconds)
  "${civicctl[@]}" import bench100k "$work/100k.json" >/dev/null
  t3=$(seconds)
  rm -f "$work/1k.json" "$work/100k.json"
  printf 'generated in %.1fs; imported 1,000 events in %.1fs, 100,000 events in %.1fs (one transaction each)\n' \
    "$(calc "$t1 - $t0")" "$(calc "$t2 - $t1")" "$(calc "$t3 - $t2")"
  du -sh "$1" | sed 's/^/store size: /'
}

json_items() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["data"]), d["meta"]["count"])' "$1"; }

# Saves what the civic server at URL answers for (a), (c), (d) and (e) as
# DIR/a.ics, c.ics, d.json, e.json (for a static server to serve), checks
# that (a) revalidates with a 304 and sets $etag to its ETag.
feed_snapshot() {  # URL DIR [quiet]
  local civic=$1 dir=$2 code
  mkdir -p "$dir"
  curl -sf -o "$dir/a.ics" "$civic$feed_a"
  curl -sf -o "$dir/c.ics" "$civic$feed_c"
  curl -sf -o "$dir/d.json" "$civic$feed_d"
  curl -sf -o "$dir/e.json" "$civic$feed_e"
  etag=$(curl -sfI "$civic$feed_a" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$civic$feed_a")
  [[ $code == 304 ]] || { echo "revalidation at $civic gave $code, not 304" >&2; exit 1; }
  [[ -n ${3:-} ]] && return 0
  printf '(a) %s: %d bytes, %d events\n' "$feed_a" "$(stat -c %s "$dir/a.ics")" "$(grep -c '^BEGIN:VEVENT' "$dir/a.ics")"
  printf '(c) %s: %d bytes, %d events\n' "$feed_c" "$(stat -c %s "$dir/c.ics")" "$(grep -c '^BEGIN:VEVENT' "$dir/c.ics")"
  printf '(d) %s: %d bytes, %s items of %s\n' "$feed_d" "$(stat -c %s "$dir/d.json")" $(json_items "$dir/d.json")
  printf '(e) %s: %d bytes, %s items of %s\n' "$feed_e" "$(stat -c %s "$dir/e.json")" $(json_items "$dir/e.json")
}

# Checks that the static server at URL serves DIR's copies byte for byte.
feed_static_check() {  # URL DIR
  local f
  for f in a.ics c.ics d.json e.json; do
    cmp -s <(curl -sf "$1/$f") "$2/$f" || { echo "static $f at $1 differs" >&2; exit 1; }
  done
}

# ---- the submissions (bench/submit, bench/apache)

# The five-field form wrk posts to, as nginx's http{} lines; $1: more of
# its settings (a seal).
submit_form() {
cat <<END
    civic_form bench {
        json_submissions on;  # wrk posts the same JSON as an integration would
        languages fi en;
        receipt_prefix B;
        ${1:-}
        field name text { required; max_length 200; label en "Name"; }
        field email email { required; label en "Email"; }
        field topic select { required; option roads en "Roads"; option parks en "Parks"; }
        field message textarea { required; max_length 5000; label en "Message"; }
        field consent consent { required; label en "I agree"; }
    }
END
}

# bench/submit's nginx (2 workers, civic_store $work/store made afresh) on
# 127.0.0.1:$port, started in the background; LOCATION: the body of
# location /forms/ (civic_forms; or return 204;), EXTRAS: http{} lines,
# FORM: more settings of the form. $module: the nginx module.
nginx_pid=
submit_nginx_stop() {
  if [[ -n $nginx_pid ]]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=; fi
}
submit_nginx() {  # LOCATION EXTRAS [FORM]
  submit_nginx_stop
  rm -rf "$work/store" "$work/logs"
  mkdir -p "$work/logs"
  cat > "$work/nginx.conf" <<END
load_module $module;
daemon off;
worker_processes 2;
error_log $work/logs/error.log warn;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/body;
    civic_store $work/store create max_size=2g;
    civic_calendar bench { languages fi sv en; timezone Europe/Helsinki; }
    $2
$(submit_form "${3:-}")
    server {
        listen 127.0.0.1:$port;
        location /forms/ { $1 }
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
    }
}
END
  nginx -p "$work" -c "$work/nginx.conf" -e "$work/logs/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/admin/status" && return 0; sleep 0.1; done
  echo "nginx did not start" >&2; cat "$work/logs/error.log" >&2; exit 1
}

# wrk posting submissions to URL (the form); appends its output to
# $work/wrk.log and prints: requests/s, responses that were not 2xx or 3xx,
# requests.
submit_measure() {  # URL [wrk -t -c]
  local out rps non2xx total
  out=$(wrk -t"${2:-2}" -c"${3:-64}" -d"${duration}s" -s "$root/bench/submit.lua" "$1")
  echo "$out" >> "$work/wrk.log"
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps ${non2xx:-0} $total"
}

# How many submissions the form "bench" holds, from the server at URL's
# /admin/status.
submit_stored() {  # URL
  curl -s "$1/admin/status" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["forms"]["bench"]["submissions"])'
}

# ---- Apache httpd (bench/apache)

# nginx's civic_calendar and civic_form blocks (stdin) in Apache's words:
# <CivicCalendar>, <CivicForm>, <CivicField>, one setting a line with the
# words it had. Enough for these scripts' blocks (no ";", "{", "}" or "#"
# inside quotes).
apache_sections() {
  /usr/bin/python3 -c '
import re, sys
tags = {"civic_calendar": "CivicCalendar", "civic_form": "CivicForm", "field": "CivicField", "step": "CivicStep"}
text = re.sub(r"#[^\n]*", "", sys.stdin.read())
open_tags = []
for part in re.findall(r"[^;{}]+[;{]|}", text):
    words = " ".join(part[:-1].split()) if part != "}" else ""
    indent = "    " * len(open_tags)
    if part == "}":
        print("    " * (len(open_tags) - 1) + "</%s>" % open_tags.pop())
    elif part.endswith("{"):
        name, _, rest = words.partition(" ")
        print(indent + "<%s %s>" % (tags[name], rest))
        open_tags.append(tags[name])
    else:
        print(indent + words)
'
}

# An Apache httpd configuration for DIR/NAME.conf: event MPM with
# PROCESSES child processes of 64 threads (as many processes as the nginx
# it is compared with has workers), keep-alive without a limit, no access
# log, no .htaccess files looked for (AllowOverride None, as Debian's stock
# apache2.conf has it); BODY (stdin) is added at the end. Runs as nobody
# when started as root.
apache_threads=64
apache_conf() {  # DIR NAME PORT PROCESSES
  local dir=$1 name=$2 port=$3 n=$4
  mkdir -p "$dir/run/$name" "$dir/logs"
  {
    cat <<END
ServerRoot $dir
ServerName 127.0.0.1
PidFile $dir/run/$name.pid
DefaultRuntimeDir $dir/run/$name
ErrorLog $dir/logs/$name-error.log
LogLevel warn
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
User nobody
Group nogroup
Listen 127.0.0.1:$port
StartServers $n
ServerLimit $n
ThreadsPerChild $apache_threads
MaxRequestWorkers $((n * apache_threads))
MinSpareThreads 16
MaxSpareThreads $(((n + 1) * apache_threads))
KeepAlive On
MaxKeepAliveRequests 0
EnableSendfile On
TypesConfig /dev/null
AddType text/calendar .ics
AddType application/json .json
<Directory />
    AllowOverride None
</Directory>
END
    cat
  } > "$dir/$name.conf"
  /usr/sbin/apache2 -t -d "$dir" -f "$dir/$name.conf" 2>"$dir/logs/$name-configtest.log" \
    || { cat "$dir/logs/$name-configtest.log" >&2; exit 1; }
}

# Starts (daemonized) the Apache of DIR/NAME.conf, and waits until it
# answers at URL.
apache_start() {  # DIR NAME URL
  /usr/sbin/apache2 -d "$1" -f "$1/$2.conf"
  for _ in $(seq 100); do curl -s -o /dev/null "$3" && return 0; sleep 0.1; done
  echo "apache ($2) did not start" >&2; cat "$1/logs/$2-error.log" >&2; exit 1
}

# Stops it (if running) and waits until its children are gone.
apache_stop() {  # DIR NAME
  local pidfile="$1/run/$2.pid" pid
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}
