# The public feeds: every endpoint, status code, header and filter, and every
# body checked by python3-icalendar and libical.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use POSIX qw(strftime);
use Civic::Test;
use Civic::ICal qw(ical_ok vevents unfold_ical);

my $t = Civic::Test->new(workers => 2, http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture {
        title       fi "Kulttuuritapahtumat";
        title       sv "Kulturevenemang";
        title       en "Culture events";
        description fi "Turun kulttuuritapahtumat";
        languages   fi sv en;
        timezone    Europe/Helsinki;
        refresh     6h;
    }
    civic_calendar nopea { languages en; timezone UTC; }
    civic_calendar busy {
        languages en;
        timezone  UTC;
        refresh   30m;
    }
    server {
        listen %%ADDR%% reuseport;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 20m; civic_admin; }
    }
END
$t->start;

sub import_json {
    my ($cal, $events) = @_;
    my $r = $t->post("/admin/calendars/$cal/events", headers => { 'Content-Type' => 'application/json' },
                     content => encode_json($events));
    is($r->{status}, 200, "import into $cal") or diag($r->{content});
    return decode_json($r->{content});
}

# "soon" starts later today in the calendar's zone (Helsinki): in an hour,
# or, late in the evening, half way to midnight there.
sub seconds_to_helsinki_midnight {
    my ($t) = @_;
    local $ENV{TZ} = 'Europe/Helsinki';
    POSIX::tzset();
    my @l = localtime($t);
    my $left = 86400 - ($l[2] * 3600 + $l[1] * 60 + $l[0]);
    return $left;
}
my $now = time;
if (seconds_to_helsinki_midnight($now) < 120) {
    sleep(seconds_to_helsinki_midnight($now) + 1);
    $now = time;
}
POSIX::tzset();
my $soon_in = seconds_to_helsinki_midnight($now) > 3660 ? 3600 : int(seconds_to_helsinki_midnight($now) / 2);
POSIX::tzset();
my $in_an_hour = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($now + $soon_in));
my $long_html = '<p>Perinteinen <b>joulukonsertti</b> Turun konserttitalossa; mukana kuoro, orkesteri ja solistit. '
              . 'Liput: 25 €, opiskelijat 15 €. Tervetuloa koko perheen voimin nauttimaan jouluisesta tunnelmasta!</p>'
              . '<p>Ohjelmassa mm. "Sylvian joululaulu", "Jouluyö, juhlayö" ja Sibeliuksen "En etsi valtaa loistoa".</p>';
my @events = (
    { id => 'concert', name => { fi => 'Joulukonsertti', sv => 'Julkonsert', en => 'Christmas concert' },
      description => { fi => $long_html }, start_time => '2026-12-05T18:00:00+02:00',
      end_time => '2026-12-05T20:00:00+02:00', keywords => ['music', 'culture'],
      location => { id => 'tpk:1', name => { fi => 'Konserttitalo', sv => 'Konserthuset' },
                    street_address => { fi => 'Aninkaistenkatu 9' }, postal_code => '20100',
                    address_locality => { fi => 'Turku' },
                    position => { type => 'Point', coordinates => [22.2686, 60.4518] } },
      offers => [{ is_free => JSON::PP::false, price => { fi => '25 €' } }],
      info_url => { fi => 'https://example.org/joulukonsertti' } },
    { id => 'market', name => { fi => 'Tuomaan markkinat; joulu, tori', sv => 'Tomasmarknaden' },
      start_time => '2026-12-11', end_time => '2026-12-13', keywords => ['market'],
      location => { id => 'vs:1', name => { fi => 'Vanha Suurtori' } }, offers => [{ is_free => JSON::PP::true }] },
    { id => 'exhibition', name => { fi => 'Pohjoisen valo', en => 'Northern light' },
      start_time => '2026-10-01', end_time => '2027-01-31', keywords => ['art'],
      location => { id => 'tm:1', name => { fi => 'Turun taidemuseo' } }, offers => [{ is_free => JSON::PP::true }] },
    { id => 'cancelled', name => { fi => 'Aurajoen valoshow' }, start_time => '2026-12-10T19:00:00+02:00',
      keywords => ['music'], event_status => 'EventCancelled' },
    { id => 'choir', name => { fi => 'Lasten kuoro' }, start_time => '2026-11-03T18:00:00+02:00',
      end_time => '2026-11-03T19:00:00+02:00', keywords => ['music', 'kids'],
      location => { id => 'tpk:1', name => { fi => 'Konserttitalo' } },
      recurrence => { rrule => 'FREQ=WEEKLY;COUNT=10', exdate => ['2026-11-24T18:00:00+02:00'] } },
    { id => 'run', name => { en => 'Run' }, start_time => '2026-12-06T16:00:00Z', timezone => 'UTC',
      keywords => ['sport'] },
    { id => 'stockholm', name => { sv => 'Lucia' }, start_time => '2026-12-13T18:00:00+01:00',
      timezone => 'Europe/Stockholm', keywords => ['culture'] },
    { id => 'soon', name => { fi => 'Pian' }, start_time => $in_an_hour, keywords => ['today'] },
    { id => 'past', name => { fi => 'Mennyt' }, start_time => '2020-01-01T12:00:00+02:00' },
    { id => 'future', name => { fi => 'Tuleva' }, start_time => '2030-01-01T12:00:00+02:00' },
    { id => 'gone', name => { fi => 'Poistettu' }, start_time => '2026-12-05T12:00:00+02:00' },
);
import_json('culture', \@events);
is($t->delete('/admin/calendars/culture/events/gone')->{status}, 204, 'one event deleted');

sub get_ics {
    my ($path, %opt) = @_;
    my $r = $t->get($path, %opt);
    return $r;
}

sub uids_of {
    my ($query, $name) = @_;
    my $r = $t->get('/calendars/culture.ics' . ($query ? "?$query" : ''));
    is($r->{status}, 200, "feed ?$query is 200");
    my @uids = ical_ok($r->{content}, $name // "feed ?$query");
    return join ',', sort @uids;
}

# ---- the list
my $r = $t->get('/calendars/');
is($r->{status}, 200, 'GET /calendars/ is 200');
is($r->{headers}{'content-type'}, 'application/json', 'JSON');
my $list = decode_json($r->{content});
is_deeply([ map { $_->{name} } @{ $list->{data} } ], ['culture', 'nopea', 'busy'], 'every calendar, in the order of nginx.conf');
my ($culture) = grep { $_->{name} eq 'culture' } @{ $list->{data} };
is_deeply($culture->{languages}, ['fi', 'sv', 'en'], 'languages in fallback order');
is($culture->{timezone}, 'Europe/Helsinki', 'the time zone');
is($culture->{title}{sv}, 'Kulturevenemang', 'titles by language');
is($culture->{feeds}{ics}, $t->url('/calendars/culture.ics'), 'the feed URL');
is($culture->{feeds}{webcal}, 'webcal://' . $t->addr . '/calendars/culture.ics', 'and its webcal:// form');
ok($r->{headers}{etag} && $r->{headers}{'last-modified'}, 'the list has validators');
is($t->get('/calendars/', headers => { 'If-None-Match' => $r->{headers}{etag} })->{status}, 304, 'and revalidates');

# ---- the feed
$r = $t->get('/calendars/culture.ics');
is($r->{status}, 200, 'GET /calendars/culture.ics is 200');
is($r->{headers}{'content-type'}, 'text/calendar; charset=utf-8', 'text/calendar; charset=utf-8');
like($r->{headers}{etag}, qr/^"[0-9a-f]{16}"$/, 'a strong ETag');
ok($r->{headers}{'last-modified'}, 'Last-Modified');
is($r->{headers}{'cache-control'}, 'public, max-age=21600', 'Cache-Control from refresh');
my $feed = $r->{content};
my @uids = ical_ok($feed, 'the whole feed');
# Without start/end, the feed window (by default 30 days back, two years
# ahead: issue 17) leaves out the events of 2020 and 2030.
is(join(',', sort @uids), 'cancelled,choir,concert,exhibition,market,run,soon,stockholm',
   'every event of the feed window but the deleted one, the cancelled one included');
my $text = unfold_ical($feed);
like($text, qr/\ABEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:[^\r]+\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n/, 'VERSION, PRODID, CALSCALE, METHOD');
like($text, qr/\r\nNAME;LANGUAGE=fi:Kulttuuritapahtumat\r\nX-WR-CALNAME:Kulttuuritapahtumat\r\n/, 'NAME and X-WR-CALNAME');
like($text, qr/\r\nX-WR-CALDESC:Turun kulttuuritapahtumat\r\n/, 'X-WR-CALDESC');
like($text, qr/\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\nX-PUBLISHED-TTL:PT6H\r\n/, 'REFRESH-INTERVAL and X-PUBLISHED-TTL');
my @tzids = $text =~ /BEGIN:VTIMEZONE\r\nTZID:([^\r]+)\r\n/g;
is_deeply([ sort @tzids ], ['Europe/Helsinki', 'Europe/Stockholm'], 'one VTIMEZONE per TZID used, none for UTC');
my %vevent = map { /UID:([^\r]+)/; ($1 => $_) } vevents($feed);
for my $uid (sort keys %vevent) {
    my $v = $vevent{$uid};
    my ($stamp) = $v =~ /\r\nDTSTAMP:(\d{8}T\d{6}Z)\r\n/;
    my ($modified) = $v =~ /\r\nLAST-MODIFIED:(\d{8}T\d{6}Z)\r\n/;
    ok($stamp && $stamp eq $modified, "$uid: DTSTAMP is its last modification");
    like($v, qr/\r\nSEQUENCE:\d+\r\n/, "$uid: SEQUENCE");
    like($v, qr/\r\nORGANIZER;CN=Kulttuuritapahtumat:mailto:noreply\@invalid\r\n/, "$uid: ORGANIZER");
}
like($vevent{concert}, qr/\r\nDTSTART;TZID=Europe\/Helsinki:20261205T180000\r\nDTEND;TZID=Europe\/Helsinki:20261205T200000\r\n/,
     'DTSTART and DTEND with TZID');
like($vevent{market}, qr/\r\nDTSTART;VALUE=DATE:20261211\r\nDTEND;VALUE=DATE:20261214\r\n/, 'all-day: DATE values, DTEND exclusive');
like($vevent{run}, qr/\r\nDTSTART:20261206T160000Z\r\n/, 'UTC times with Z');
like($vevent{stockholm}, qr/\r\nDTSTART;TZID=Europe\/Stockholm:20261213T180000\r\n/, 'another zone');
like($vevent{cancelled}, qr/\r\nSTATUS:CANCELLED\r\n/, 'a cancelled event stays, STATUS:CANCELLED');
like($vevent{concert}, qr/\r\nSTATUS:CONFIRMED\r\n/, 'a scheduled one is CONFIRMED');
like($vevent{market}, qr/\r\nSUMMARY;LANGUAGE=fi:Tuomaan markkinat\\; joulu\\, tori\r\n/, 'TEXT escaping of ; and ,');
like($vevent{concert}, qr/\r\nDESCRIPTION;LANGUAGE=fi:Perinteinen joulukonsertti Turun konserttitalossa\\; mukana/,
     'HTML descriptions become plain text');
unlike($vevent{concert}, qr/DESCRIPTION[^\r]*</, 'with no markup left');
like($vevent{concert}, qr/\\n\\nOhjelmassa/, 'paragraphs kept as blank lines');
like($vevent{concert}, qr/\r\nLOCATION;LANGUAGE=fi:Konserttitalo\\, Aninkaistenkatu 9\\, 20100 Turku\r\n/, 'LOCATION');
like($vevent{concert}, qr/\r\nGEO:60\.451800;22\.268600\r\n/, 'GEO: latitude;longitude');
like($vevent{concert}, qr/\r\nCATEGORIES:music,culture\r\n/, 'CATEGORIES');
like($vevent{concert}, qr/\r\nURL:https:\/\/example\.org\/joulukonsertti\r\n/, 'URL');
like($vevent{choir}, qr/\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=Europe\/Helsinki:20261124T180000\r\n/, 'RRULE and EXDATE');
ok((grep { length > 75 } split /\r\n/, $feed) == 0 && $feed =~ /\r\n [^\r]/, 'long lines are folded');

# ---- byte-identical, HEAD
my $again = $t->get('/calendars/culture.ics');
is($again->{content}, $feed, 'the same request gives the same bytes');
is($again->{headers}{etag}, $r->{headers}{etag}, 'and the same ETag');
is($t->get('/calendars/culture.ics?_=1234')->{headers}{etag}, $r->{headers}{etag}, 'unknown parameters change nothing');
my $h = $t->head('/calendars/culture.ics');
is($h->{status}, 200, 'HEAD is 200');
is($h->{content} // '', '', 'HEAD has no body');
is($h->{headers}{'content-length'}, length($feed), 'HEAD gives the length of the body');
is($h->{headers}{etag}, $r->{headers}{etag}, 'and the same ETag');

# ---- conditional requests
# The import and the delete above were two changes in one second; the second
# was stamped a second later so that Last-Modified tells them apart, and
# Last-Modified is never later than now: past that second, it is the state's.
sleep 2;
$r = $t->get('/calendars/culture.ics');
is($r->{content}, $feed, 'later, the same bytes');
my $etag = $r->{headers}{etag};
my $lm = $r->{headers}{'last-modified'};
my $c = $t->get('/calendars/culture.ics', headers => { 'If-None-Match' => $etag });
is($c->{status}, 304, 'If-None-Match with the ETag is 304');
is($c->{content} // '', '', 'with no body');
is($c->{headers}{etag}, $etag, 'and the ETag');
is($c->{headers}{'cache-control'}, 'public, max-age=21600', 'and Cache-Control');
is($t->get('/calendars/culture.ics', headers => { 'If-None-Match' => "\"x\", W/$etag" })->{status}, 304,
   'a list with the weak form is 304 too');
is($t->get('/calendars/culture.ics', headers => { 'If-None-Match' => '"0000000000000000"' })->{status}, 200,
   'another ETag is 200');
is($t->get('/calendars/culture.ics', headers => { 'If-Modified-Since' => $lm })->{status}, 304,
   'If-Modified-Since the Last-Modified is 304');
is($t->get('/calendars/culture.ics', headers => { 'If-Modified-Since' => 'Thu, 01 Jan 2015 00:00:00 GMT' })->{status}, 200,
   'an older If-Modified-Since is 200');
is($t->get('/calendars/culture.ics', headers => { 'If-None-Match' => '"x"', 'If-Modified-Since' => $lm })->{status}, 200,
   'If-None-Match wins over If-Modified-Since');
is($t->head('/calendars/culture.ics', headers => { 'If-None-Match' => $etag })->{status}, 304, 'HEAD revalidates too');

# Several writes in one second move the calendar's time ahead of the clock;
# the answer says the clock's time, and sending that back is 304 (issue 13).
for my $n (1 .. 5) {
    my $w = $t->put("/admin/calendars/nopea/events/quick$n", headers => { 'Content-Type' => 'application/json' },
                    content => encode_json({ name => { en => "Quick $n" }, start_time => '2026-12-01T10:00:00Z' }));
    die "setup: $w->{status}" unless $w->{status} == 201;
}
my $busy = $t->get('/calendars/nopea.ics');
my $busy_lm = $busy->{headers}{'last-modified'};
is($t->get('/calendars/nopea.ics', headers => { 'If-Modified-Since' => $busy_lm })->{status}, 304,
   'the Last-Modified just sent, sent back at once, is 304 even after quick writes');

# ---- Accept on /calendars/{cal}
$c = $t->get('/calendars/culture', headers => { Accept => 'text/calendar' });
is($c->{status}, 200, 'Accept: text/calendar on /calendars/culture is 200');
is($c->{content}, $feed, 'the same body as the .ics');
is($c->{headers}{vary}, 'Accept', 'with Vary: Accept');
is($t->get('/calendars/culture', headers => { Accept => 'text/html,*/*;q=0.8' })->{status}, 200, '*/* is fine');
$c = $t->get('/calendars/culture', headers => { Accept => 'application/json' });
is($c->{status}, 406, 'an Accept without text/calendar is 406');
like($c->{content}, qr/text\/calendar/, 'saying what there is');
is($t->get('/calendars/culture', headers => { Accept => 'text/calendar;q=0' })->{status}, 406, 'q=0 refuses it');

# ---- one event
$c = $t->get('/calendars/culture/events/concert.ics');
is($c->{status}, 200, 'one event is 200');
my @one = ical_ok($c->{content}, 'one event');
is_deeply(\@one, ['concert'], 'with that event only');
like($c->{content}, qr/BEGIN:VTIMEZONE\r\nTZID:Europe\/Helsinki/, 'and its VTIMEZONE');
isnt($c->{headers}{etag}, $etag, 'its own ETag');
is($t->get('/calendars/culture/events/concert.ics', headers => { 'If-None-Match' => $c->{headers}{etag} })->{status},
   304, 'which revalidates');
is($t->get('/calendars/culture/events/nope.ics')->{status}, 404, 'an unknown event is 404');
is($t->get('/calendars/culture/events/gone.ics')->{status}, 404, 'a deleted event is 404');
$c = $t->get('/calendars/culture/events/market.ics?lang=sv');
like($c->{content}, qr/SUMMARY;LANGUAGE=sv:Tomasmarknaden/, 'one event in another language');
ical_ok($c->{content}, 'one all-day event');

# ---- 404, 405
for my $path ('/calendars/nope.ics', '/calendars/nope', '/calendars/nope/events/x.ics', '/calendars/culture.xml',
              '/calendars/culture/x', '/calendars/culture/events/', '/calendars/culture/events/a/b.ics') {
    $c = $t->get($path);
    is($c->{status}, 404, "GET $path is 404");
    ok(eval { decode_json($c->{content})->{error} }, 'with a JSON error body');
}
for my $method (qw(POST PUT DELETE PATCH)) {
    for my $path ('/calendars/', '/calendars/culture.ics', '/calendars/culture', '/calendars/culture/events/concert.ics') {
        $c = $t->request($method, $path, content => 'x');
        is($c->{status}, 405, "$method $path is 405");
        is($c->{headers}{allow}, 'GET, HEAD', 'Allow: GET, HEAD');
    }
}

# ---- 400 for malformed parameters, naming them
for my $q ('start=yesterday', 'end=2026-02-30', 'start=2026-12-05&end=2026-12-01', 'keyword=', 'keyword_AND=',
           'keyword!=', 'location=', 'text=', 'event_status=Happening', 'is_free=perhaps', 'last_modified_since=eilen',
           'show_deleted=maybe', 'sort=price', 'page=0', 'page_size=1000', 'lang=de', 'text=%ff',
           'keyword=a&keyword=b') {
    $c = $t->get("/calendars/culture.ics?$q");
    is($c->{status}, 400, "?$q is 400");
    my ($param) = $q =~ /^([^=]+)/;
    $param = 'end' if $q =~ /^start=.*&end=/;
    is(eval { decode_json($c->{content})->{field} }, $param, "naming $param");
}

# ---- filters
is(uids_of('start=2026-12-01&end=2026-12-07'), 'choir,concert,exhibition,run',
   'start/end: overlapping events, a long one begun earlier, a series by its occurrence');
is(uids_of('start=2026-12-05T19:00:00%2B02:00&end=2026-12-05T19:30:00%2B02:00'), 'concert,exhibition',
   'date-times with an offset');
is(uids_of('start=2026-12-05T20:00:00&end=2026-12-05T21:00:00'), 'exhibition',
   'local date-times; an event that ends at the start is not in the window');
is(uids_of('start=2026-11-24&end=2026-11-24'), 'exhibition', 'the EXDATE leaves the choir out');
is(uids_of('start=2029-12-31'), 'future', 'start alone: what ends after it');
my $today = uids_of('start=today&end=today');
like($today, qr/\bsoon\b/, 'today has the event in an hour');
unlike($today, qr/\b(past|future)\b/, 'and not the past or the future');
my $from_now = uids_of('start=now');
like($from_now, qr/\bsoon\b/, 'start=now has what is coming');
unlike($from_now, qr/\bpast\b/, 'and not what is over');
is(uids_of('keyword=music'), 'cancelled,choir,concert', 'keyword');
is(uids_of('keyword=music,art'), 'cancelled,choir,concert,exhibition', 'keyword: any of');
is(uids_of('keyword_AND=music,kids'), 'choir', 'keyword_AND: all of');
is(uids_of('keyword!=music,culture'), 'exhibition,market,run,soon', 'keyword!: none of (in the feed window)');
is(uids_of('location=tpk:1'), 'choir,concert', 'location');
is(uids_of('location=vs:1,tm:1'), 'exhibition,market', 'location: any of');
is(uids_of('text=JOULU'), 'concert,market', 'text: case-insensitive');
is(uids_of('text=julkonsert'), 'concert', 'text: in any language');
is(uids_of('text=KONSERTTITALO'), 'choir,concert', 'text: place names too');
is(uids_of('text=%C3%84IT%C3%84'), '', 'text: no match is an empty feed');
is(uids_of('event_status=EventCancelled'), 'cancelled', 'event_status');
is(uids_of('event_status=EventScheduled,EventCancelled&keyword=music'), 'cancelled,choir,concert', 'event_status: any of');
is(uids_of('is_free=true'), 'exhibition,market', 'is_free=true');
is(uids_of('is_free=false'), 'concert', 'is_free=false');
is(uids_of('show_deleted=true'), uids_of(''), 'show_deleted keeps a deleted event out of iCal');

# last_modified_since: what changed at or after a time.
sleep 1;
my $changed = $t->put('/admin/calendars/culture/events/run', headers => { 'Content-Type' => 'application/json' },
                      content => encode_json({ %{ $events[5] }, name => { en => 'Run, run' } }));
is($changed->{status}, 200, 'one event changed');
my $since = decode_json($changed->{content})->{last_modified_time};
is(uids_of("last_modified_since=$since"), 'run', 'last_modified_since');
is(uids_of('last_modified_since=2000-01-01T00:00:00Z'), uids_of(''), 'an early one gives everything');

# ---- languages
my %lang_of = map { my $q = $_; $q => join(',', sort(unfold_ical($t->get("/calendars/culture.ics?lang=$q")->{content})
                                                     =~ /SUMMARY;LANGUAGE=(\w+):/g)) } qw(fi sv en);
like(unfold_ical($t->get('/calendars/culture.ics?lang=sv')->{content}), qr/SUMMARY;LANGUAGE=sv:Julkonsert/, 'lang=sv');
like(unfold_ical($t->get('/calendars/culture.ics?lang=en')->{content}), qr/SUMMARY;LANGUAGE=en:Christmas concert/, 'lang=en');
like(unfold_ical($t->get('/calendars/culture.ics?lang=fi')->{content}), qr/SUMMARY;LANGUAGE=en:Run\\, run/,
     'a text missing in a language falls back along the chain');
like(unfold_ical($t->get('/calendars/culture.ics?lang=sv')->{content}), qr/NAME;LANGUAGE=sv:Kulturevenemang/,
     'the calendar name too');
ical_ok($t->get("/calendars/culture.ics?lang=$_")->{content}, "the feed in $_") for qw(sv en);

# ---- changes: SEQUENCE, DTSTAMP, ETag
my $before = $t->get('/calendars/culture.ics');
my ($seq) = (vevents($before->{content}))[0] =~ /SEQUENCE:(\d+)/;
my %before_events = map { /UID:([^\r]+)/; ($1 => $_) } vevents($before->{content});
sleep 1;
my $upd = $t->put('/admin/calendars/culture/events/concert', headers => { 'Content-Type' => 'application/json' },
                  content => encode_json({ %{ $events[0] }, end_time => '2026-12-05T21:00:00+02:00' }));
is($upd->{status}, 200, 'the concert changed');
my $after = $t->get('/calendars/culture.ics');
isnt($after->{headers}{etag}, $before->{headers}{etag}, 'the feed has a new ETag');
is($t->get('/calendars/culture.ics', headers => { 'If-None-Match' => $before->{headers}{etag} })->{status}, 200,
   'the old ETag is not current');
my %after_events = map { /UID:([^\r]+)/; ($1 => $_) } vevents($after->{content});
my ($s1) = $before_events{concert} =~ /SEQUENCE:(\d+)/;
my ($s2) = $after_events{concert} =~ /SEQUENCE:(\d+)/;
is($s2, $s1 + 1, 'its SEQUENCE rose by one');
my ($d1) = $before_events{concert} =~ /DTSTAMP:(\S+)/;
my ($d2) = $after_events{concert} =~ /DTSTAMP:(\S+)/;
isnt($d2, $d1, 'and its DTSTAMP changed');
is($after_events{market}, $before_events{market}, 'the other events are byte for byte the same');
my $same = import_json('culture', [ $events[1], $events[2] ]);
is($same->{unchanged}, 2, 'importing them again changes nothing');
is($t->get('/calendars/culture.ics')->{headers}{etag}, $after->{headers}{etag}, 'and the ETag stays');

# ---- a calendar big enough for the thread pool: open-ended series, an open-ended query
my @series = map { { id => "daily$_", name => "Daily $_", start_time => sprintf('2026-01-%02dT%02d:00:00Z', 1 + $_ % 28, $_ % 24),
                     recurrence => { rrule => 'FREQ=DAILY' } } } 1 .. 40;
import_json('busy', \@series);
$c = $t->get('/calendars/busy.ics?start=2026-06-01');
is($c->{status}, 200, 'a query over more index entries than the inline budget is answered (from the thread pool)');
is(scalar(ical_ok($c->{content}, 'the busy feed')), 40, 'with every series');
is($c->{headers}{'cache-control'}, 'public, max-age=1800', 'and that calendar\'s refresh');
is($t->get('/calendars/busy.ics?start=2026-06-01')->{content}, $c->{content}, 'the same bytes again');
is($t->get('/calendars/busy.ics?start=2026-06-01', headers => { 'If-None-Match' => $c->{headers}{etag} })->{status}, 304,
   'and it revalidates without being built');
$c = $t->get('/calendars/busy.ics?start=2031-03-01&end=2031-03-02');
is(scalar(ical_ok($c->{content}, 'the busy feed in 2031')), 40, 'series are found past their materialized horizon');

done_testing;
