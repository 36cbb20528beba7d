# A calendar that follows a Linked Events API (issue 18, items 1-4):
# `source linkedevents URL query="..."`. The API is t/tools/fake_linkedevents.py,
# answering as Linked Events does (paging, last_modified_since, show_deleted,
# include=location,keywords, deleted events in their short form, ETags). The
# follower's first sync is slowed down and hit by a 500 in the middle; it
# goes on from the last page written. Then edits, deletions and a new event
# at the source reach the feeds; the mapping (three languages, places,
# keyword names, all-day events, recurring and umbrella super events, a
# malformed item) is checked on what a calendar app and a website get.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes ();
use POSIX qw(strftime);
use Civic::Test;
use Civic::ICal qw(ical_ok);
use Civic::Receivers;

my $api = Civic::Receivers->start(kind => 'linkedevents');
my $base = 'http://127.0.0.1:' . $api->port . '/linkedevents/v1/';

my %places = (
    'tprek:7254' => { name => { fi => 'Musiikkitalo', sv => 'Musikhuset', en => 'Helsinki Music Centre' },
                      street_address => { fi => 'Mannerheimintie 13a', sv => 'Mannerheimvägen 13a' },
                      address_locality => { fi => 'Helsinki', sv => 'Helsingfors' }, postal_code => '00100',
                      position => { type => 'Point', coordinates => [ 24.9360, 60.1725 ] } },
    'tprek:8310' => { name => { fi => 'Oodi', sv => 'Ode', en => 'Oodi' }, postal_code => '00100' },
);
my %keywords = ('yso:p1808' => { name => { fi => 'musiikki', sv => 'musik', en => 'music' } },
                'yso:p4354' => { name => { fi => 'lapset', sv => 'barn', en => 'children' } });

my $clock = 1_793_000_000;  # seconds: each change at the source a second later
sub stamp { my ($t) = @_; return strftime('%Y-%m-%dT%H:%M:%S', gmtime $t) . '.250000Z' }

sub event {
    my ($n, %more) = @_;
    my $day = 1 + $n % 28;
    return { id => "helsinki:e$n", publisher => 'ahjo:00001',
             name => { fi => "Konsertti $n", sv => "Konsert $n", en => "Concert $n" },
             short_description => { fi => "Lyhyesti $n", sv => undef },
             description => { fi => "<p>Kuvaus $n</p>", en => "<p>About $n</p>" },
             info_url => { fi => "https://example.fi/e$n", sv => undef, en => undef },
             start_time => sprintf('2027-03-%02dT16:00:00Z', $day), end_time => sprintf('2027-03-%02dT18:00:00Z', $day),
             location => $n % 2 ? 'tprek:7254' : 'tprek:8310', keywords => [ 'yso:p1808', ($n % 3 ? () : 'yso:p4354') ],
             offers => [ { is_free => JSON::PP::false, price => { fi => "$n €" }, info_url => undef, description => undef } ],
             event_status => 'EventScheduled', super_event => undef, super_event_type => undef, sub_events => [],
             images => [], deleted => JSON::PP::false, created_time => stamp(1_790_000_000),
             last_modified_time => stamp($clock++), %more };
}

my @events = map { event($_) } 1 .. 240;
push @events,
    event(900, name => { fi => 'Joulunäyttely' }, start_time => '2027-12-01', end_time => '2027-12-24'),
    event(901, name => { fi => 'Kirjaston päivä' }, start_time => '2027-04-01', end_time => undef),
    event(910, name => { fi => 'Viikkokuoro' }, super_event_type => 'recurring', sub_events => [ map { "helsinki:s$_" } 1 .. 3 ],
          start_time => '2027-03-03T16:00:00Z', end_time => '2027-03-17T18:00:00Z'),
    (map { event(910 + $_, id => "helsinki:s$_", name => { fi => "Viikkokuoro $_" }, super_event => 'helsinki:e910',
                 start_time => sprintf('2027-03-%02dT16:00:00Z', 3 + 7 * ($_ - 1)),
                 end_time => sprintf('2027-03-%02dT18:00:00Z', 3 + 7 * ($_ - 1))) } 1 .. 3),
    event(920, name => { fi => 'Helsingin juhlaviikot' }, super_event_type => 'umbrella', sub_events => [ 'helsinki:e1' ],
          start_time => '2027-08-14T12:00:00Z', end_time => '2027-08-30T20:00:00Z'),
    event(930, name => { fi => undef }),  # malformed: no name in any language
    event(940, publisher => 'other:1'),   # another publisher: left out by the query
    { id => 'helsinki:gone', publisher => 'ahjo:00001', name => { fi => 'POISTETTU' }, deleted => JSON::PP::true,
      last_modified_time => stamp($clock++) };
$api->write_data({ events => \@events, places => \%places, keywords => \%keywords });
$api->answer('delay=0.3');  # a slow API: each page takes a while

my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%% max_size=64m;
    civic_calendar helsinki {
        title fi "Helsingin tapahtumat";
        title sv "Evenemang i Helsingfors";
        languages fi sv en;
        timezone Europe/Helsinki;
        source linkedevents ${base}event/ query="publisher=ahjo:00001" interval=1h timeout=10s;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub body_of { my ($r) = @_; my $b = eval { JSON::PP->new->decode($r->{content}) }; return $b // {} }
sub source_status { return body_of($t->get('/admin/status'))->{calendars}{helsinki}{source} }
sub events_held { return body_of($t->get('/admin/status'))->{calendars}{helsinki}{events} }

# ---- the first sync, from the workers' timer: a 500 after the first page
my $s;
for (1 .. 200) {
    $s = source_status();
    last if $s && $s->{pages};
    Time::HiRes::sleep(0.02);
}
ok($s && $s->{pages} >= 1, 'the timer started the first sync') or diag(explain($s));
$api->answer('status=500');
for (1 .. 100) {
    $s = source_status();
    last if $s->{last_error};
    Time::HiRes::sleep(0.05);
}
like($s->{last_error}, qr/fetching \Q${base}event\/\E.*HTTP 500/, 'a 500 in the middle ends the run, saying so')
    or diag(explain($s));
ok(!$s->{caught_up}, 'not caught up');
my $held = events_held();
ok($held >= 100 && $held < 248, "the pages before it are in ($held events)");

$api->answer('');
my ($rc, $out, $err) = $t->civicctl('sync', 'helsinki');
is($rc, 0, 'civicctl sync goes on') or diag($err);
like($err, qr/skipped items, the last: helsinki:e930: name/, 'civicctl names the malformed item');
$s = source_status();
ok($s->{caught_up}, 'caught up');
is($s->{last_error}, undef, 'without an error');
like($s->{last_skipped}, qr/^helsinki:e930: name/, 'the malformed item is named');
is($s->{total}{skipped}, 1, 'and counted once');
is(events_held(), 240 + 2 + 3 + 1, 'every event of the publisher but the series parent, the malformed and the deleted');
is($s->{total}{created}, 246, 'each created once: no page was written twice as new');

my @asked = grep { $_->{path} =~ m{/event/$} } $api->requests;
my %first = map { @$_ } @{ $asked[0]{query} };
is_deeply([ @first{qw(publisher sort show_deleted page_size include)} ],
          [ 'ahjo:00001', 'last_modified_time', 'true', '100', 'location,keywords' ],
          'the follower asks with the query, sorted by change, with deletions, places and keywords');
ok(!exists $first{last_modified_since}, 'the first request from the start');
my %later = map { @$_ } @{ $asked[-1]{query} };
ok($later{last_modified_since}, 'later ones from the position');

# ---- what a calendar app and a website get
my $ics = $t->get('/calendars/helsinki.ics?start=2027-01-01&end=2027-12-31')->{content};
my @uids = ical_ok($ics, 'the iCal feed of the followed API');
ok((grep { $_ eq 'helsinki:e5' } @uids), 'an event of the API is in it');
ok(!(grep { $_ eq 'helsinki:e910' } @uids), 'the recurring super event is not');
is(scalar(grep { /^helsinki:s\d$/ } @uids), 3, 'its three sub-events are, each its own event');
ok((grep { $_ eq 'helsinki:e920' } @uids), 'an umbrella event is kept');
is(body_of($t->get('/calendars/helsinki/events/helsinki:e920.json'))->{super_event_type}, 'umbrella', 'and marked');
is_deeply([ map { $_->{id} } @{ body_of($t->get('/calendars/helsinki.json?super_event_type=umbrella'))->{data} } ],
          ['helsinki:e920'], 'super_event_type=umbrella finds it');
is(body_of($t->get('/calendars/helsinki/events/helsinki:e5.json'))->{super_event_type}, undef, 'others are not');
ok(!(grep { $_ eq 'helsinki:e940' } @uids), 'another publisher\'s event is not (query=)');
like($ics, qr/UID:helsinki:e900\r\n(?:[^\r]*\r\n)*?DTSTART;VALUE=DATE:20271201\r\nDTEND;VALUE=DATE:20271225\r\n/,
     'a date-only event is all day, its end date the last day');
my $sv = $t->get('/calendars/helsinki.ics?start=2027-03-01&end=2027-03-31&lang=sv&keyword=musiikki')->{content};
like($sv, qr/SUMMARY;LANGUAGE=sv:Konsert 5\r\n/, 'Swedish names in the Swedish feed');
like($sv, qr/LOCATION;LANGUAGE=sv:Musikhuset/, 'the place by its Swedish name');
like($sv, qr/CATEGORIES[^:]*:musiikki/, 'keywords by their names (in the calendar\'s first language)');

my $e = body_of($t->get('/calendars/helsinki/events/helsinki:e3.json?include=location,keywords'));
is_deeply($e->{name}, { fi => 'Konsertti 3', sv => 'Konsert 3', en => 'Concert 3' }, 'the names in three languages');
is_deeply($e->{short_description}, { fi => 'Lyhyesti 3' }, 'null texts left out');
is($e->{start_time}, '2027-03-04T18:00:00+02:00', 'times in the calendar\'s zone');
is($e->{location}{id}, 'tprek:7254', 'the place by its id');
is($e->{location}{name}{en}, 'Helsinki Music Centre', 'with its names');
is_deeply($e->{location}{position}{coordinates}, [ 24.936, 60.1725 ], 'and position');
is_deeply([ map { $_->{id} } @{ $e->{keywords} } ], [ 'musiikki', 'lapset' ], 'keywords by name in the first language');
is($e->{offers}[0]{price}{fi}, '3 €', 'offers');
is(body_of($t->get('/calendars/helsinki.json?location=tprek:8310&page_size=1'))->{meta}{count}, 123,
   'location= by the API\'s place id');

# ---- the places and keywords the events use, as Linked Events lists them
my $origin = 'http://' . $t->addr;
my $places = body_of($t->get('/calendars/helsinki/places.json'));
is($places->{meta}{count}, 2, 'places.json: the two places the events use');
is_deeply([ map { [ $_->{id}, $_->{n_events} ] } @{ $places->{data} } ], [ [ 'tprek:7254', 123 ], [ 'tprek:8310', 123 ] ],
          'by the number of events, then id');
my ($music) = grep { $_->{id} eq 'tprek:7254' } @{ $places->{data} };
is($music->{'@id'}, "$origin/calendars/helsinki/places/tprek:7254.json", 'each with its own @id');
is($music->{'@type'}, 'Place', 'a schema.org Place');
is($music->{name}{sv}, 'Musikhuset', 'with its names');
is($music->{street_address}{fi}, 'Mannerheimintie 13a', 'and address');
my $one = $t->get('/calendars/helsinki/places/tprek:7254.json');
is($one->{status}, 200, 'a place by its @id');
is_deeply(body_of($one), $music, 'the same object');
is($t->get('/calendars/helsinki/places/tprek:1.json')->{status}, 404, 'a place no event uses is 404');
my $paged = body_of($t->get('/calendars/helsinki/places.json?page_size=1&page=2'));
is($paged->{data}[0]{id}, 'tprek:8310', 'places are paged');
is($paged->{meta}{previous}, "$origin/calendars/helsinki/places.json?page_size=1&page=1", 'with links');
my $keywords = body_of($t->get('/calendars/helsinki/keywords.json'));
is_deeply([ map { [ $_->{id}, $_->{n_events} ] } @{ $keywords->{data} } ], [ [ 'musiikki', 246 ], [ 'lapset', 82 ] ],
          'keywords.json: the keywords the events use, with their counts');
is($keywords->{data}[0]{'@id'}, "$origin/calendars/helsinki/keywords/musiikki.json", 'each with its @id');
is(body_of($t->get('/calendars/helsinki/keywords/lapset.json'))->{n_events}, 82, 'a keyword by its @id');
is($t->get('/calendars/helsinki/places.json', headers => { 'If-None-Match' => $t->get('/calendars/helsinki/places.json')->{headers}{etag} })->{status},
   304, 'revalidated like the feeds');

# ---- changes at the source: two edited, one deleted, one new
sleep 1;
my $since = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime time);
$events[9] = event(10, name => { fi => 'Muutettu', sv => 'Ändrad' });
$events[19] = event(20, start_time => '2027-03-25T17:00:00Z', end_time => '2027-03-25T19:00:00Z', event_status => 'EventRescheduled');
$events[29] = { id => 'helsinki:e30', publisher => 'ahjo:00001', name => { fi => 'POISTETTU', sv => 'RADERAD', en => 'DELETED' },
                deleted => JSON::PP::true, replaced_by => undef, last_modified_time => stamp($clock++) };
push @events, event(241);
$api->write_data({ events => \@events, places => \%places, keywords => \%keywords });
($rc, $out, $err) = $t->civicctl('sync', 'helsinki');
is($rc, 0, 'civicctl sync after the changes') or diag($err);
my $counts = decode_json($out);
is_deeply([ @$counts{qw(created updated deleted)} ], [ 1, 2, 1 ], 'one created, two updated, one deleted');
is(body_of($t->get('/calendars/helsinki/events/helsinki:e10.json'))->{name}{sv}, 'Ändrad', 'the edit is served');
is($t->get('/calendars/helsinki/events/helsinki:e30.json')->{status}, 404, 'the deleted event is gone');
my $sync = body_of($t->get("/calendars/helsinki.json?last_modified_since=$since&show_deleted=true&sort=last_modified_time"));
my %changed = map { $_->{id} => ($_->{deleted} ? 'deleted' : 'live') } @{ $sync->{data} };
is_deeply(\%changed, { 'helsinki:e10' => 'live', 'helsinki:e20' => 'live', 'helsinki:e30' => 'deleted',
                       'helsinki:e241' => 'live' }, 'syncing clients of civic see the same changes');

($rc, $out) = $t->civicctl('sync', 'helsinki');
($rc, $out) = $t->civicctl('sync', 'helsinki');
is(decode_json($out)->{not_modified}, JSON::PP::true, 'nothing changed: the API answers 304');
$s = source_status();
ok(defined $s->{lag_seconds} && $s->{lag_seconds} >= 0, 'the status has the lag');
like($s->{newest_modified_time}, qr/^\d{4}-\d\d-\d\dT/, 'and the newest change seen');

# ---- an API that answers no list: the events stay
$api->answer('status=502');
($rc, $out, $err) = $t->civicctl('sync', 'helsinki');
isnt($rc, 0, 'a failing API fails the sync');
is(events_held(), 246, 'the events stay as they were');

$t->expect_errors(qr/source: /);
done_testing;
