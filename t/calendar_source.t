# A calendar that follows a published .ics (issue 18, item 5): `source ics
# URL`. The publisher is a second nginx serving the file as a department's
# Outlook, Google or Nextcloud publishes it (ETag, Last-Modified, 304). The
# follower imports it on its timer and with `civicctl sync`, as the whole
# set: an event gone from the file is deleted and syncing clients see it; a
# 304 changes nothing; a broken file or a publisher that is down leaves the
# events as they were and says why in /admin/status; admin writes are 409.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes ();
use Civic::Test;
use Civic::ICal qw(ical_ok);

my $publisher = Civic::Test->new(init_store => 0, http => <<'END');
    server {
        listen %%ADDR%%;
        location / { root %%PREFIX%%/site; etag on; }
    }
END
mkdir $publisher->prefix . '/site' or die;
my $url = $publisher->url('/library.ics');

my $published = 0;
sub publish {
    my (@events) = @_;
    my $ics = join "\r\n", 'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Microsoft Corporation//Outlook 16.0//EN',
        'METHOD:PUBLISH', 'X-WR-CALNAME:Kirjasto';
    for my $e (@events) {
        my ($uid, $day, $summary) = @$e;
        $ics .= "\r\n" . join "\r\n", 'BEGIN:VEVENT', "UID:$uid", 'DTSTAMP:20261101T080000Z',
            "DTSTART;TZID=Europe/Helsinki:202702${day}T100000", "DTEND;TZID=Europe/Helsinki:202702${day}T110000",
            "SUMMARY:$summary", 'END:VEVENT';
    }
    $publisher->write_file('site/library.ics', "$ics\r\nEND:VCALENDAR\r\n");
    # nginx's ETag is mtime and size: a new file within the same second
    # with the same size would look unchanged.
    my $when = time + (++$published);
    utime $when, $when, $publisher->prefix . '/site/library.ics';
}

publish([ 'a@outlook', '01', 'Satutunti' ], [ 'b@outlook', '02', 'Lukupiiri' ], [ 'c@outlook', '03', 'Runoilta' ]);
$publisher->start;
is($publisher->get('/library.ics')->{status}, 200, 'the publisher serves the file');

my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%% max_size=64m;
    civic_calendar library {
        title fi "Kirjasto";
        languages fi sv;
        timezone Europe/Helsinki;
        source ics $url interval=1h timeout=5s;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub body_of { my ($r) = @_; my $b = eval { decode_json($r->{content}) }; return $b // {} }
sub source_status { return body_of($t->get('/admin/status'))->{calendars}{library}{source} }
sub feed_summaries {
    my $r = $t->get('/calendars/library.json?page_size=100&sort=start_time');
    return join ', ', map { $_->{id} . '=' . $_->{name}{fi} } @{ body_of($r)->{data} // [] };
}

# The first run comes from the workers' timer, soon after start.
my $status;
for (1 .. 100) {
    $status = source_status();
    last if $status && $status->{last_success_time};
    Time::HiRes::sleep(0.1);
}
ok($status && $status->{last_success_time}, 'the timer ran the first sync') or diag(explain($status));
is($status->{url}, $url, 'the status names the source');
is($status->{last_error}, undef, 'without an error');
is_deeply($status->{last_run}, { created => 3, updated => 0, deleted => 0, skipped => 0 }, 'three events created');
is(feed_summaries(), 'a@outlook=Satutunti, b@outlook=Lukupiiri, c@outlook=Runoilta', 'the feeds have them');
ical_ok($t->get('/calendars/library.ics')->{content}, 'the iCal feed of the followed calendar');

# ---- admin writes go to the source, not to civic
my $r = $t->put('/admin/calendars/library/events/x', headers => { 'Content-Type' => 'application/json' },
                content => encode_json({ name => { fi => 'x' }, start_time => '2027-02-01T10:00:00+02:00' }));
is($r->{status}, 409, 'PUT to a followed calendar is 409');
like(body_of($r)->{error}, qr/follows \Q$url\E/, 'naming the source');
is($t->request('DELETE', '/admin/calendars/library/events/a@outlook')->{status}, 409, 'and so is DELETE');
$r = $t->post('/admin/calendars/library/events', headers => { 'Content-Type' => 'text/calendar' }, content => 'x');
is($r->{status}, 409, 'and an import');
is($t->get('/admin/calendars/library/events/a@outlook')->{status}, 200, 'reading an event still works');

# ---- the file changes: one event edited, one gone, one new
sleep 1;
my $since = do { my @g = gmtime(time); sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ', $g[5] + 1900, $g[4] + 1, @g[3, 2, 1, 0]) };
publish([ 'a@outlook', '01', 'Satutunti lapsille' ], [ 'c@outlook', '03', 'Runoilta' ], [ 'd@outlook', '04', 'Elokuvat' ]);
my ($rc, $out, $err) = $t->civicctl('sync', 'library');
is($rc, 0, 'civicctl sync') or diag($err);
is_deeply(decode_json($out), { source => $url, not_modified => JSON::PP::false, created => 1, updated => 1, deleted => 1,
                                skipped => 0 },
          'one created, one updated, one deleted');
is(feed_summaries(), 'a@outlook=Satutunti lapsille, c@outlook=Runoilta, d@outlook=Elokuvat', 'the feeds follow the file');
$r = $t->get("/calendars/library.json?last_modified_since=$since&show_deleted=true&sort=last_modified_time");
my %changed = map { $_->{id} => ($_->{deleted} ? 'deleted' : 'live') } @{ body_of($r)->{data} };
is_deeply(\%changed, { 'a@outlook' => 'live', 'b@outlook' => 'deleted', 'd@outlook' => 'live' },
          'a syncing client sees the edit, the new event and the deletion');

($rc, $out, $err) = $t->civicctl('sync', 'library');
is($rc, 0, 'civicctl sync again');
is(decode_json($out)->{not_modified}, JSON::PP::true, 'the publisher said 304: nothing to do');
$status = source_status();
is($status->{runs}, 3, 'three runs so far');
is_deeply($status->{total}, { created => 4, updated => 1, deleted => 1, skipped => 0 }, 'with the totals of all runs');

# ---- a broken file, a publisher that is down: the events stay
my $before = $t->get('/calendars/library.ics')->{content};
$publisher->write_file('site/library.ics', "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2027\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
($rc, $out, $err) = $t->civicctl('sync', 'library');
isnt($rc, 0, 'a broken file fails the sync');
like($err, qr/the file was refused: line \d+: VEVENT: .*DTSTART/, 'saying where');
like($err, qr/the events stay as they were/, 'and that nothing changed');
is($t->get('/calendars/library.ics')->{content}, $before, 'the feed is as before');
like(source_status()->{last_error}, qr/refused/, '/admin/status shows the error');

$publisher->stop;
($rc, $out, $err) = $t->civicctl('sync', 'library');
isnt($rc, 0, 'a publisher that is down fails the sync');
like($err, qr/fetching \Q$url\E/, 'saying what it fetched');
is($t->get('/calendars/library.ics')->{content}, $before, 'the feed is still as before');

# ---- configuration errors, as nginx -t gives them
for my $case ([ 'source linkedevents https://api.example.fi/v1/event/?page=2;', qr/has a query; give the API's filters as query=/ ],
              [ 'source linkedevents https://api.example.fi/v1/event/ query="sort=name";', qr/sets a parameter the follower sets itself/ ],
              [ 'source ics ftp://example.fi/c.ics;', qr/is not an http: or https: URL/ ],
              [ "source ics $url interval=1s;", qr/interval=1s is not a time between 10s and 7d/ ],
              [ "source ics $url colour=red;", qr/"colour=red" is not interval=TIME or timeout=TIME/ ]) {
    my ($line, $expect) = @$case;
    my $bad = Civic::Test->new(http => <<"END");
    civic_store %%STORE%% max_size=8m;
    civic_calendar c { languages fi; timezone Europe/Helsinki; $line }
END
    my ($brc, $bout) = $bad->test_config;
    isnt($brc, 0, "nginx -t refuses: $line");
    like($bout, $expect, 'saying why');
}

$t->expect_errors(qr/source: /);
done_testing;
