# Event writes under civic_admin: PUT, DELETE, GET, bulk POST of .ics and
# JSON (all or nothing), refusals that change nothing, a full store, bodies
# in temp files, and imports running side by side in the thread pool.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::ICal qw(ical_ok vevents);

my $json = JSON::PP->new->canonical;

my $calendar = <<'END';
    civic_calendar culture {
        title fi "Kulttuuritapahtumat";
        languages fi sv en;
        timezone Europe/Helsinki;
        refresh 1h;
    }
END

my $t = Civic::Test->new(workers => 2, http => <<"END");
    civic_store %%STORE%% max_size=64m;
$calendar
    server {
        listen %%ADDR%% reuseport;
        location /calendars/ { civic_calendars; }
        # Small buffers: bodies over 1k go to temp files.
        location /admin/ { client_max_body_size 20m; client_body_buffer_size 1k; civic_admin; }
        location /tiny-admin/ {
            client_max_body_size 1k;
            error_page 413 = \@too_large;
            civic_admin;
        }
        location \@too_large {
            default_type application/json;
            return 413 '{"error":"the body is larger than client_max_body_size"}';
        }
    }
END
$t->start;

sub put_event {
    my ($id, $event, %opt) = @_;
    return $t->put("/admin/calendars/culture/events/$id",
                   headers => { 'Content-Type' => $opt{type} // 'application/json' },
                   content => ref $event ? encode_json($event) : $event);
}

sub body_of { my ($r) = @_; my $b = eval { decode_json($r->{content}) }; return $b // {} }

sub feed { my $r = $t->get('/calendars/culture.ics'); is($r->{status}, 200, 'the feed is 200'); return $r->{content} }

sub uids_in_feed {
    my @uids = ical_ok(feed(), 'the feed');
    return { map { $_ => 1 } @uids };
}

sub ics {
    my (@events) = @_;
    my $body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//civic tests//EN\r\n";
    for my $e (@events) {
        $body .= "BEGIN:VEVENT\r\n";
        $body .= "$_\r\n" for @$e;
        $body .= "END:VEVENT\r\n";
    }
    return $body . "END:VCALENDAR\r\n";
}

sub simple_vevent {
    my ($uid, $day) = @_;
    $day //= 5;
    return ["UID:$uid", "DTSTAMP:20260101T000000Z", sprintf("DTSTART;TZID=Europe/Helsinki:202612%02dT180000", $day),
            sprintf("DTEND;TZID=Europe/Helsinki:202612%02dT200000", $day), "SUMMARY;LANGUAGE=fi:Tapahtuma $uid"];
}

my $concert = {
    name => { fi => 'Joulukonsertti', sv => 'Julkonsert', en => 'Christmas concert' },
    start_time => '2026-12-05T18:00:00+02:00',
    end_time => '2026-12-05T20:00:00+02:00',
    location => { id => 'tpk:1', name => { fi => 'Konserttitalo' },
                  position => { type => 'Point', coordinates => [22.2686, 60.4518] } },
    keywords => ['music'],
};

# ---- PUT: create, unchanged, update
my $r = put_event('turku:1', $concert);
is($r->{status}, 201, 'PUT of a new event is 201');
is($r->{headers}{'content-type'}, 'application/json', 'answered with JSON');
my $stored = body_of($r);
is($stored->{id}, 'turku:1', 'the stored event has the id of the URL');
is($stored->{sequence}, 0, 'a new event has sequence 0');
like($stored->{created_time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'the server set created_time');
is($stored->{last_modified_time}, $stored->{created_time}, 'and last_modified_time');
is($stored->{'@id'}, $t->url('/calendars/culture/events/turku:1.json'), '@id is an absolute URL');
is($stored->{start_time}, '2026-12-05T18:00:00+02:00', 'the start time as given');
ok(uids_in_feed()->{'turku:1'}, 'the feed has it');

$r = put_event('turku:1', $concert);
is($r->{status}, 200, 'PUT of the same event is 200');
is(body_of($r)->{sequence}, 0, 'an unchanged event keeps its sequence');
is(body_of($r)->{last_modified_time}, $stored->{last_modified_time}, 'and its modification time');

$r = put_event('turku:1', { %$concert, start_time => '2026-12-05T19:00:00+02:00', sequence => 0 });
is($r->{status}, 200, 'PUT of a change is 200');
is(body_of($r)->{sequence}, 1, 'a change raises the sequence');
isnt(body_of($r)->{last_modified_time}, $stored->{last_modified_time}, 'and the modification time');
is(body_of($r)->{created_time}, $stored->{created_time}, 'created_time stays');
like(feed(), qr/SEQUENCE:1\r\n/, 'the feed has the new SEQUENCE');

$r = $t->get('/admin/calendars/culture/events/turku:1');
is($r->{status}, 200, 'GET of a stored event is 200');
is(body_of($r)->{start_time}, '2026-12-05T19:00:00+02:00', 'with what was stored');

# ---- refusals change nothing
my $before = feed();
$r = put_event('turku:1', { %$concert, id => 'turku:2' });
is($r->{status}, 422, 'an id that differs from the URL is 422');
is(body_of($r)->{field}, 'id', 'naming the field');
$r = put_event('turku:1', '{"name": ');
is($r->{status}, 400, 'malformed JSON is 400');
like(body_of($r)->{error}, qr/not valid JSON/, 'saying so');
$r = put_event('turku:1', { %$concert, start_time => 'joulukuussa' });
is($r->{status}, 422, 'a bad start_time is 422');
is(body_of($r)->{field}, 'start_time', 'naming the field');
$r = put_event('turku:1', { %$concert, location => { position => { coordinates => [22, 95] } } });
is(body_of($r)->{field}, 'location.position.coordinates', 'a nested field is named with its path');
$r = put_event('turku:1', $concert, type => 'text/plain');
is($r->{status}, 415, 'a body that is not JSON by its type is 415');
$r = put_event('bad%2Fid', $concert);
is($r->{status}, 404, 'an id that cannot be an event id is 404');
is(feed(), $before, 'after all that, the feed is byte for byte the same');

# ---- DELETE
$r = $t->delete('/admin/calendars/culture/events/turku:1');
is($r->{status}, 204, 'DELETE is 204');
is($r->{content} // '', '', 'with no body');
$r = $t->delete('/admin/calendars/culture/events/turku:1');
is($r->{status}, 404, 'DELETE of a deleted event is 404');
ok(!uids_in_feed()->{'turku:1'}, 'the feed no longer has it');
is($t->get('/calendars/culture/events/turku:1.ics')->{status}, 404, 'nor its own URL');
$r = $t->get('/admin/calendars/culture/events/turku:1');
is(body_of($r)->{deleted}, JSON::PP::true, 'the admin API still shows the tombstone');
is(body_of($r)->{sequence}, 2, 'a delete raised its sequence');
$r = put_event('turku:1', $concert);
is($r->{status}, 201, 'PUT of a deleted event creates it again');
is(body_of($r)->{sequence}, 3, 'with a sequence above the tombstone\'s');

# ---- POST .ics: upsert by UID, one transaction
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar; charset=utf-8' },
              content => ics(simple_vevent('ics:1'), simple_vevent('ics:2', 6), simple_vevent('ics:3', 7)));
is($r->{status}, 200, 'POST of an .ics is 200');
is_deeply(body_of($r), { created => 3, updated => 0, unchanged => 0 }, 'three created');
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
              content => ics(simple_vevent('ics:1'), simple_vevent('ics:2', 8), simple_vevent('ics:3', 7)));
is_deeply(body_of($r), { created => 0, updated => 1, unchanged => 2 }, 'again: one changed, two unchanged');

$before = feed();
my $bad = ics(simple_vevent('ics:new'), ['UID:ics:bad', 'SUMMARY:x', 'DTSTART:2026120']);
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' }, content => $bad);
is($r->{status}, 422, 'an .ics with a bad VEVENT is 422');
my $e = body_of($r);
is($e->{component}, 'VEVENT', 'naming the component');
is($e->{line}, 14, 'and the line of the bad property');
like($e->{error}, qr/DTSTART/, 'and what is wrong');
is(feed(), $before, 'nothing of that file was stored (all or nothing)');

$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
              content => ics(simple_vevent('dup'), simple_vevent('dup', 9)));
is($r->{status}, 422, 'a UID given twice is 422');
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
              content => "this is not a calendar\r\n");
is($r->{status}, 400, 'text that is not iCalendar at all is 400 (docs/admin-api.md)');
like(body_of($r)->{error}, qr/VCALENDAR/, 'saying what was expected');

# ---- POST JSON array
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
              content => encode_json([ { %$concert, id => 'json:1' }, { %$concert, id => 'json:2' } ]));
is($r->{status}, 200, 'POST of a JSON array is 200');
is_deeply(body_of($r), { created => 2, updated => 0, unchanged => 0 }, 'two created');
$before = feed();
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
              content => encode_json([ { %$concert, id => 'json:3' }, { %$concert, id => 'json:4', start_time => 'x' } ]));
is($r->{status}, 422, 'a bad element is 422');
is(body_of($r)->{field}, '[1].start_time', 'naming the element and field');
is(feed(), $before, 'and nothing was stored');

# ---- methods, types, paths
$r = $t->post('/admin/calendars/culture/events', content => 'x');
is($r->{status}, 415, 'POST without a known type is 415');
$r = $t->get('/admin/calendars/culture/events');
is($r->{status}, 405, 'GET of the collection is 405');
is($r->{headers}{allow}, 'POST', 'Allow: POST');
$r = $t->request('PATCH', '/admin/calendars/culture/events/json:1', content => '{}');
is($r->{status}, 405, 'PATCH of an event is 405');
is($r->{headers}{allow}, 'GET, HEAD, PUT, DELETE', 'with Allow');
is($t->put('/admin/calendars/nope/events/x', content => '{}')->{status}, 404, 'an unknown calendar is 404');
is($t->get('/admin/calendars/culture/other')->{status}, 404, 'an unknown admin path is 404');
$r = $t->post('/tiny-admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
              content => ics(map { simple_vevent("big:$_") } 1 .. 20));
is($r->{status}, 413, 'a body over client_max_body_size is 413');
like(body_of($r)->{error}, qr/client_max_body_size|LimitRequestBody/, 'with a JSON body (naming the server\'s limit)');

# ---- time zones, SEQUENCE and byte order marks at their edges
use Time::HiRes ();

sub post_ics {
    my ($body) = @_;
    return $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
                    content => $body);
}

# A zone of the file's own (as Outlook writes them), with lines to choose.
sub vtimezone {
    my ($tzid, $standard_rule, $standard_to) = @_;
    return join '', map { "$_\r\n" } 'BEGIN:VTIMEZONE', "TZID:$tzid",
        'BEGIN:STANDARD', 'DTSTART:16010101T000000', "RRULE:$standard_rule", 'TZOFFSETFROM:+0300',
        "TZOFFSETTO:$standard_to", 'END:STANDARD',
        'BEGIN:DAYLIGHT', 'DTSTART:16010101T003000', 'RRULE:FREQ=HOURLY', 'TZOFFSETFROM:+0200',
        'TZOFFSETTO:+0300', 'END:DAYLIGHT', 'END:VTIMEZONE';
}

sub with_zone {
    my ($zone, $tzid) = @_;
    my $body = ics(['UID:tz:1', 'DTSTAMP:20260101T000000Z', "DTSTART;TZID=$tzid:20261205T180000", 'SUMMARY:x']);
    $body =~ s/(PRODID:[^\r]*\r\n)/$1$zone/;
    return $body;
}

$before = feed();
# 500 bytes whose hourly rules from 1601 took libical a minute of CPU.
my $slow = with_zone(vtimezone('Slow Zone', 'FREQ=HOURLY', '+0200'), 'Slow Zone');
ok(length($slow) < 600, 'a file of ' . length($slow) . ' bytes');
# A PUT sent while it is read must not wait for it (it waited 58 s).
my $slow_kid = fork() // die "fork: $!";
if ($slow_kid == 0) {
    Time::HiRes::sleep(0.2);
    my $t1 = Time::HiRes::time();
    my $x = put_event('during-slow', $concert);
    POSIX::_exit($x->{status} == 201 && Time::HiRes::time() - $t1 < 1 ? 0 : 1);
}
my $t0 = Time::HiRes::time();
$r = post_ics($slow);
my $took = Time::HiRes::time() - $t0;
is($r->{status}, 422, 'a VTIMEZONE whose changes recur hourly is 422');
ok($took < 1, sprintf('answered in %.3f s', $took));
$e = body_of($r);
is($e->{component}, 'VTIMEZONE', 'naming the component');
is($e->{line}, 8, 'the line of its RRULE');
like($e->{error}, qr/VTIMEZONE "Slow Zone".*FREQ=HOURLY.*yearly/, 'the TZID and what is wrong');
waitpid($slow_kid, 0);
is($?, 0, 'a PUT sent meanwhile was answered within a second');
is($t->delete('/admin/calendars/culture/events/during-slow')->{status}, 204, '(and is gone again)');
$before = feed();

for my $case (['+9999', 'TZOFFSETTO:\+9999'], ['-2400', 'TZOFFSETTO:-2400'], ['+0260', 'TZOFFSETTO:\+0260']) {
    my ($offset, $words) = @$case;
    $r = post_ics(with_zone(vtimezone('Far Zone', 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', $offset) =~
                            s/RRULE:FREQ=HOURLY/RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU/r, 'Far Zone'));
    is($r->{status}, 422, "TZOFFSETTO:$offset is 422");
    like(body_of($r)->{error}, qr/VTIMEZONE "Far Zone" has $words/, 'naming the TZID and the offset');
    is(body_of($r)->{line}, 10, 'and its line');
}
$r = post_ics(with_zone("BEGIN:VTIMEZONE\r\nTZID:Empty Zone\r\nEND:VTIMEZONE\r\n", 'Empty Zone'));
is($r->{status}, 422, 'an empty VTIMEZONE is 422 (it was read as UTC)');
like(body_of($r)->{error}, qr/VTIMEZONE "Empty Zone" has no STANDARD or DAYLIGHT/, 'saying so');
is(feed(), $before, 'none of those changed the feed');

# RFC 5545 §3.3.5 as users see it: in JSON, in the event's .ics and in the list.
$r = put_event('gap', { name => 'Gap', start_time => '2026-03-29T03:30:00', end_time => '2026-03-29T05:00:00' });
is($r->{status}, 201, 'a local time the clocks skip is taken');
is(body_of($r)->{start_time}, '2026-03-29T04:30:00+03:00', 'moved forward by the gap (it was 02:30+02:00)');
like($t->get('/calendars/culture/events/gap.ics')->{content}, qr/DTSTART;TZID=Europe\/Helsinki:20260329T043000\r\n/,
     'the .ics says 04:30 too');
$r = put_event('twice', { name => 'Twice', start_time => '2026-10-25T03:30:00', end_time => '2026-10-25T04:00:00' });
is(body_of($r)->{start_time}, '2026-10-25T03:30:00+03:00', 'a local time shown twice is the first (+03:00)');
is(body_of($r)->{end_time}, '2026-10-25T04:00:00+02:00', 'its end after the change');
my $list = decode_json($t->get('/calendars/culture.json?start=2026-10-25&end=2026-10-25')->{content});
my ($twice) = grep { $_->{id} eq 'twice' } @{ $list->{data} };
is($twice && $twice->{start_time}, '2026-10-25T03:30:00+03:00', 'and so in the public list');
$r = put_event('twice', { name => 'Twice', start_time => '2026-10-25T03:30:00+02:00' });
is($r->{status}, 422, 'the second 03:30 cannot be a Helsinki wall-clock time: 422');
like(body_of($r)->{error}, qr/second pass/, 'saying why');
$r = post_ics(ics(['UID:gap-ics', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Helsinki:20260329T033000',
                   'SUMMARY:x']));
is($r->{status}, 200, 'the same in an .ics import');
is(body_of($t->get('/admin/calendars/culture/events/gap-ics'))->{start_time}, '2026-03-29T04:30:00+03:00',
   'moves forward by the gap');
is($t->delete("/admin/calendars/culture/events/$_")->{status}, 204, "(delete $_)") for qw(gap twice gap-ics);

# RFC 5545 §3.8.7.4 / §3.3.8: SEQUENCE is a 32-bit signed INTEGER.
$before = feed();
for my $bad ('2147483648', '9223372036854775808', '-5', '"7"', '1.5') {
    $r = put_event('seq', qq({"name":"x","start_time":"2026-12-05T18:00:00","sequence":$bad}));
    is($r->{status}, 422, "sequence $bad is 422");
    is(body_of($r)->{field}, 'sequence', 'naming the field');
}
$r = post_ics(ics([@{ simple_vevent('seq') }, 'SEQUENCE:2147483648']));
is($r->{status}, 422, 'SEQUENCE:2147483648 in an .ics is 422');
is(body_of($r)->{field}, 'SEQUENCE', 'naming the property');
is(feed(), $before, 'none of them was stored');
$r = put_event('seq', { %$concert, sequence => 2147483647 });
is(body_of($r)->{sequence}, 2147483647, 'sequence 2147483647 is taken');
$r = put_event('seq', { %$concert, start_time => '2026-12-05T19:00:00+02:00' });
is(body_of($r)->{sequence}, 2147483647, 'a change at the top keeps it there');
my @seq = grep { /^SEQUENCE:/ } split /\r\n/, $t->get('/calendars/culture/events/seq.ics')->{content};
is_deeply(\@seq, ['SEQUENCE:2147483647'], 'and so does the .ics');
is($t->delete('/admin/calendars/culture/events/seq')->{status}, 204, 'a delete at the top');
is(body_of($t->get('/admin/calendars/culture/events/seq'))->{sequence}, 2147483647, 'keeps it too');

# A UTF-8 byte order mark (Windows Notepad writes one) before BEGIN:VCALENDAR.
$r = post_ics("\xEF\xBB\xBF" . ics(simple_vevent('bom', 10)));
is($r->{status}, 200, 'an .ics that starts with a byte order mark is taken');
is(body_of($r)->{created}, 1, 'its event created');
ok(uids_in_feed()->{bom}, 'and in the feed');

# ---- a big import (the body goes to a temp file)
my @many = map { simple_vevent("many:$_", 1 + $_ % 28) } 1 .. 600;
my $big = ics(@many);
ok(length($big) > 60000, 'a body of ' . length($big) . ' bytes');
$r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' }, content => $big);
is($r->{status}, 200, 'a big import is 200');
is(body_of($r)->{created}, 600, 'all 600 created');
my $uids = uids_in_feed();
is(scalar(grep { /^many:/ } keys %$uids), 600, 'the feed has all 600');

# ---- imports side by side (libical in several pool threads at once)
my @kids;
for my $k (1 .. 6) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        my $body = ics(map { simple_vevent("par$k:$_", 1 + $_ % 28) } 1 .. 150);
        my $x = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
                         content => $body);
        my $ok = $x->{status} == 200 && (eval { decode_json($x->{content})->{created} } // 0) == 150;
        POSIX::_exit($ok ? 0 : 1);
    }
    push @kids, $pid;
}
my $failed = 0;
for my $pid (@kids) { waitpid($pid, 0); $failed++ if $? != 0 }
is($failed, 0, 'six imports at once all succeed');
$uids = uids_in_feed();
is(scalar(grep { /^par\d:/ } keys %$uids), 900, 'and the feed has all 900 events');

$r = $t->get('/admin/status');
is(decode_json($r->{content})->{calendars}{culture}{events}, scalar(keys %$uids), '/admin/status counts the events');

# ---- a full store: 507, nothing written
my $small = Civic::Test->new(http => <<"END");
    civic_store %%STORE%% max_size=1m;
$calendar
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 20m; civic_admin; }
    }
END
$small->start;
my $first = $small->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' },
                         content => ics(simple_vevent('small:1')));
is($first->{status}, 200, 'a small store takes a small import');
my $small_before = $small->get('/calendars/culture.ics')->{content};
my $long = 'x' x 2000;
my $huge = ics(map { [ @{ simple_vevent("fill:$_") }, "DESCRIPTION:$long" ] } 1 .. 600);
$r = $small->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'text/calendar' }, content => $huge);
is($r->{status}, 507, 'an import that does not fit is 507');
like(body_of($r)->{error}, qr/full.*nothing was written/, 'saying the store is full and nothing was written');
is($small->get('/calendars/culture.ics')->{content}, $small_before, 'the feed is as before');
$small->expect_errors(qr/MDB_MAP_FULL/);

use POSIX ();
done_testing;
