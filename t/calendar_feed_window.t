# feed_window: a feed without start or end holds the days around today
# (iCal, jCal, xCal alike), the subscriber's own start/end wins, ETag and 304
# work as for an explicit window, the paged JSON list, a sync poll and
# civicctl export see every event, and nginx -t explains a bad setting.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use POSIX qw(strftime);
use Civic::Test;
use Civic::ICal qw(ical_ok);

# `win` keeps a week back and two weeks ahead, in UTC so that its days are
# those of gmtime here; `culture` has no setting (the default, 30d 2y).
my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=16m;
    civic_calendar win {
        languages   en;
        timezone    UTC;
        feed_window 7d 14d;
    }
    civic_calendar culture {
        languages fi en;
        timezone  Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $now = time;
sub day { strftime('%Y-%m-%d', gmtime($now + $_[0] * 86400)) }
sub noon { strftime('%Y-%m-%dT12:00:00Z', gmtime($now + $_[0] * 86400)) }

sub import_json {
    my ($cal, $events) = @_;
    my $r = $t->post("/admin/calendars/$cal/events", headers => { 'Content-Type' => 'application/json' },
                     content => encode_json($events));
    is($r->{status}, 200, "import into $cal") or diag($r->{content});
}

# All-day events on the days around the window's edges (an all-day end_time
# is its last day), one today, one long past and one far ahead, and a daily
# series that runs from before the window to after it.
import_json('win', [
    { id => 'before', name => { en => 'Day before' }, start_time => day(-8), end_time => day(-8) },
    { id => 'first',  name => { en => 'First day' },  start_time => day(-7), end_time => day(-7) },
    { id => 'today',  name => { en => 'Today' },      start_time => day(0),  end_time => day(0) },
    { id => 'last',   name => { en => 'Last day' },   start_time => day(13), end_time => day(13) },
    { id => 'after',  name => { en => 'Day after' },  start_time => day(14), end_time => day(14) },
    { id => 'old',    name => { en => 'Long ago' },   start_time => noon(-400) },
    { id => 'far',    name => { en => 'Far ahead' },  start_time => noon(400) },
    { id => 'daily',  name => { en => 'Daily' },      start_time => noon(-20),
      recurrence => { rrule => 'FREQ=DAILY;COUNT=60' } },
]);
import_json('culture', [
    { id => 'old',    name => { fi => 'Vanha' },    start_time => noon(-40) },
    { id => 'recent', name => { fi => 'Äskettäin' }, start_time => noon(-10) },
    { id => 'soon',   name => { fi => 'Pian' },     start_time => noon(5) },
    { id => 'later',  name => { fi => 'Myöhemmin' }, start_time => noon(700) },
    { id => 'far',    name => { fi => 'Kaukana' },  start_time => noon(760) },
]);

sub ics_uids {
    my ($path, $name) = @_;
    my $r = $t->get($path);
    is($r->{status}, 200, "$path is 200");
    return join ',', sort(ical_ok($r->{content}, $name));
}

# ---- iCal without start/end: the window, checked by python3-icalendar and libical
is(ics_uids('/calendars/win.ics', 'the windowed feed'), 'daily,first,last,today',
   'a feed without start/end holds the window: the first and last day in, the days around out, '
   . 'nothing long past or far ahead, the series crossing it');
is(ics_uids('/calendars/culture.ics', 'the default window'), 'later,recent,soon',
   'without the setting: 30 days back and two years ahead');
is(ics_uids('/calendars/win.ics?lang=en&_=1', 'other parameters'), 'daily,first,last,today',
   'other parameters keep the window');

# ---- the subscriber's own window wins
is(ics_uids('/calendars/win.ics?start=' . day(-8) . '&end=' . day(-8), 'an explicit day'), 'before,daily',
   'start/end given: the day before the window');
is(ics_uids('/calendars/win.ics?start=' . day(14), 'start alone'), 'after,daily,far',
   'start alone: open ahead, the window is off');
is(ics_uids('/calendars/win.ics?end=' . day(-8), 'end alone'), 'before,daily,old',
   'end alone: open behind');

# ---- jCal and xCal of the same path: the window too
my $r = $t->get('/calendars/win', headers => { Accept => 'application/calendar+json' });
is($r->{status}, 200, 'jCal is 200');
my $jcal = decode_json($r->{content});
my @jcal_uids = sort map { my ($uid) = grep { $_->[0] eq 'uid' } @{ $_->[1] }; $uid->[3] }
                grep { $_->[0] eq 'vevent' } @{ $jcal->[2] };
is(join(',', @jcal_uids), 'daily,first,last,today', 'jCal holds the window');
$r = $t->get('/calendars/win', headers => { Accept => 'application/calendar+xml' });
is($r->{status}, 200, 'xCal is 200');
is(join(',', sort($r->{content} =~ m{<uid><text>([^<]*)</text></uid>}g)), 'daily,first,last,today', 'xCal holds the window');

# ---- the JSON list is paged: a request without start/end lists every event
# (a series as one item), as before
$r = $t->get('/calendars/win.json?page_size=100');
is($r->{status}, 200, 'the JSON list is 200');
my $list = decode_json($r->{content});
is(join(',', sort map { $_->{id} } @{ $list->{data} }), 'after,before,daily,far,first,last,old,today',
   'the JSON list has no feed window');
is($list->{meta}{count}, 8, 'one item per event');

# ---- ETag, 304, Last-Modified
my $feed = $t->get('/calendars/win.ics');
my $etag = $feed->{headers}{etag};
like($etag, qr/^"[0-9a-f]{16}"$/, 'the windowed feed has an ETag');
is($t->get('/calendars/win.ics')->{headers}{etag}, $etag, 'the same one again');
my $explicit = $t->get('/calendars/win.ics?start=' . day(-7) . '&end=' . day(13));
is($explicit->{headers}{etag}, $etag, 'the same ETag as the window written out by hand');
is($explicit->{content}, $feed->{content}, 'and the same bytes');
my $c = $t->get('/calendars/win.ics', headers => { 'If-None-Match' => $etag });
is($c->{status}, 304, 'If-None-Match with it is 304');
is($c->{content} // '', '', 'with no body');
is($t->get('/calendars/win.ics', headers => { 'If-Modified-Since' => $feed->{headers}{'last-modified'} })->{status},
   304, 'If-Modified-Since the Last-Modified is 304');
my $changed = $t->put('/admin/calendars/win/events/today', headers => { 'Content-Type' => 'application/json' },
                      content => encode_json({ name => { en => 'Today, changed' }, start_time => day(0), end_time => day(0) }));
is($changed->{status}, 200, 'an event in the window changed');
isnt($t->get('/calendars/win.ics')->{headers}{etag}, $etag, 'the windowed feed has a new ETag');
is($t->get('/calendars/win.ics', headers => { 'If-None-Match' => $etag })->{status}, 200, 'the old one is not current');

# ---- what is not windowed
is($t->get('/calendars/win/events/old.ics')->{status}, 200, 'one event outside the window is still served');
$r = $t->get('/calendars/win.json?last_modified_since=2000-01-01T00:00:00Z&show_deleted=true&sort=last_modified_time&page_size=100');
is($r->{status}, 200, 'a sync poll is 200');
is(join(',', sort map { $_->{id} } @{ decode_json($r->{content})->{data} }),
   'after,before,daily,far,first,last,old,today', 'a sync poll sees every change, in or out of the window');
my ($rc, $out, $err) = $t->civicctl('export', 'win');
is($rc, 0, 'civicctl export') or diag($err);
is(join(',', sort(ical_ok($out, 'the export'))), 'after,before,daily,far,first,last,old,today',
   'civicctl export is the whole calendar');

$t->finish;

# ---- nginx -t
my $bad = Civic::Test->new(http => '');
my $conf = $bad->conf_file;
my @cases = (
    ['feed_window;', qr/"feed_window" takes two times, the past and the future around today: feed_window 30d 2y/],
    ['feed_window 30d;', qr/"feed_window" takes two times/],
    ['feed_window soon 2y;', qr/"feed_window": "soon" is not a time \(such as 30d, 2y\)/],
    ['feed_window 36h 2y;', qr/"feed_window": "36h" is not a whole number of days/],
    ['feed_window 11y 2y;', qr/"feed_window": the past \("11y"\) must be from 0 to 10y/],
    ['feed_window 30d 0;', qr/"feed_window": the future \("0"\) must be from 1d to 10y/],
    ["feed_window 30d 2y;\n        feed_window 7d 1y;", qr/"feed_window" is duplicate/],
    ['feed_windows 30d 2y;', qr/unknown setting "feed_windows" \(did you mean "feed_window"\?\)/],
    ["feed_window 30d 2y\n        refresh 6h;", qr/is a ";" missing after "feed_window 30d 2y"\?/],
);
for my $case (@cases) {
    my ($line, $message_re) = @$case;
    $bad->set_config(http => <<"END");
    civic_store %%STORE%% max_size=16m;
    civic_calendar x {
        languages fi;
        timezone  UTC;
        $line
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
    }
END
    my ($status, $output) = $bad->test_config;
    isnt($status, 0, "nginx -t fails: $line");
    like($output, $message_re, 'saying what is wrong') or diag($output);
    my ($file, $n) = $bad->config_error_at($output);
    is($file, $conf, 'in the configuration file');
    my @lines = $bad->config_lines;
    my $text = defined $n ? $lines[$n - 1] // '' : '';
    my ($last_word) = $line =~ /(\S+);\z/;
    like($text, qr/\Q$last_word\E/, "on the line of the setting ($text)");
}
$bad->set_config(http => <<'END');
    civic_store %%STORE%% max_size=16m;
    civic_calendar x { languages fi; timezone UTC; feed_window 0 10y; }
    server { listen %%ADDR%%; location /calendars/ { civic_calendars; } }
END
my ($status, $output) = $bad->test_config;
is($status, 0, 'feed_window 0 10y passes nginx -t') or diag($output);

done_testing;
