# Events as data: the Linked-Events-style JSON list and single events, every
# filter, sort and page, occurrences of recurring events across the
# daylight-saving changes of Europe/Helsinki, EXDATE and RDATE, sync with
# deletions, caching, and jCal / xCal read back and compared with the .ics
# for the same query.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use POSIX qw(strftime);
use Civic::Test;

my $t = Civic::Test->new(workers => 2, http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar busy {
        languages en;
        timezone  UTC;
    }
    civic_calendar culture {
        title     fi "Kulttuuritapahtumat";
        languages fi sv en;
        timezone  Europe/Helsinki;
        refresh   6h;
    }
    server {
        listen %%ADDR%% reuseport;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 20m; civic_admin; }
    }
END
$t->start;
my $origin = 'http://' . $t->addr;
my $json = JSON::PP->new->canonical;

my @events = (
    { id => 'concert', name => { fi => 'Joulukonsertti', sv => 'Julkonsert', en => 'Christmas concert' },
      description => { fi => '<p>Perinteinen <b>joulukonsertti</b></p>' },
      start_time => '2026-12-05T18:00:00+02:00', end_time => '2026-12-05T20:00:00+02:00',
      keywords => ['music', 'culture'],
      location => { id => 'tpk:1', name => { fi => 'Konserttitalo', sv => 'Konserthuset' } },
      offers => [{ is_free => JSON::PP::false, price => { fi => '25 €' } }] },
    { id => 'market', name => { fi => 'Tuomaan markkinat', sv => 'Tomasmarknaden' },
      start_time => '2026-12-11', end_time => '2026-12-13', keywords => ['market'],
      location => { id => 'vs:1', name => { fi => 'Vanha Suurtori' } }, offers => [{ is_free => JSON::PP::true }] },
    { id => 'cancelled', name => { fi => 'Aurajoen valoshow' }, start_time => '2026-12-10T19:00:00+02:00',
      keywords => ['music'], event_status => 'EventCancelled' },
    # Weekly on Thursdays at 18:00 Helsinki time, across both changes of 2026
    # (29 March, 25 October); 9 April left out, Saturday 11 April added.
    { id => 'weekly', name => { fi => 'Kuoro', en => 'Choir' }, start_time => '2026-03-12T18:00:00+02:00',
      end_time => '2026-03-12T19:00:00+02:00', keywords => ['music', 'kids'],
      location => { id => 'tpk:1', name => { fi => 'Konserttitalo' } },
      recurrence => { rrule => 'FREQ=WEEKLY;COUNT=36', exdate => ['2026-04-09T18:00:00+03:00'],
                      rdate => ['2026-04-11T12:00:00+03:00'] } },
    { id => 'run', name => { en => 'Run' }, start_time => '2026-12-06T16:00:00Z', timezone => 'UTC',
      keywords => ['sport'] },
    { id => 'gone', name => { fi => 'Poistettu' }, start_time => '2026-12-01T12:00:00+02:00' },
);
my $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                 content => encode_json(\@events));
is($r->{status}, 200, 'events imported') or diag($r->{content});

sub list {
    my ($query, %opt) = @_;
    my $r = $t->get('/calendars/culture.json' . (length $query ? "?$query" : ''), %opt);
    is($r->{status}, 200, "GET .json?$query") or diag($r->{content});
    return decode_json($r->{content});
}
sub ids { my ($q) = @_; join ',', map { $_->{id} } @{ list($q)->{data} } }
sub id_set { my ($q) = @_; join ',', sort map { $_->{id} } @{ list($q)->{data} } }

# ---- the envelope
$r = $t->get('/calendars/culture.json');
is($r->{status}, 200, 'the list is 200');
is($r->{headers}{'content-type'}, 'application/json; charset=utf-8', 'as JSON');
is($r->{headers}{'access-control-allow-origin'}, '*', 'readable from other sites');
like($r->{headers}{etag}, qr/^"[0-9a-f]{16}"$/, 'a strong ETag');
my $doc = decode_json($r->{content});
is_deeply([sort keys %$doc], ['data', 'meta'], 'meta and data');
is_deeply([sort keys %{ $doc->{meta} }], ['count', 'next', 'previous'], 'meta: count, next, previous');
is($doc->{meta}{count}, 6, 'one item per event without a window');
is($doc->{meta}{next}, undef, 'no next page');
is($doc->{meta}{previous}, undef, 'no previous page');
is(join(',', map { $_->{id} } @{ $doc->{data} }), 'weekly,gone,concert,run,cancelled,market',
   'by start_time unless asked');
my ($concert) = grep { $_->{id} eq 'concert' } @{ $doc->{data} };
for my $field (qw(id name short_description description start_time end_time timezone location keywords offers
                  info_url images event_status recurrence sequence created_time last_modified_time deleted
                  @id @context @type super_event recurrence_id)) {
    ok(exists $concert->{$field}, "an event has $field");
}
is_deeply($concert->{name}, { fi => 'Joulukonsertti', sv => 'Julkonsert', en => 'Christmas concert' },
          'texts in all their languages');
is($concert->{'@id'}, "$origin/calendars/culture/events/concert.json", '@id: the absolute URL of the event');
is($concert->{'@context'}, 'http://schema.org', '@context');
is($concert->{'@type'}, 'Event', '@type');
is($concert->{start_time}, '2026-12-05T18:00:00+02:00', 'start_time');
is($concert->{end_time}, '2026-12-05T20:00:00+02:00', 'end_time');
# Places and keywords as Linked Events gives them: references to their own
# resources, expanded with include= (issue 18, item 6).
is_deeply($concert->{location}, { '@id' => "$origin/calendars/culture/places/tpk:1.json" }, 'location: a reference');
is_deeply($concert->{keywords}, [ map { { '@id' => "$origin/calendars/culture/keywords/$_.json" } } qw(music culture) ],
          'keywords: references');
is(decode_json($t->get($concert->{location}{'@id'} =~ s{^\Q$origin\E}{}r)->{content})->{name}{sv}, 'Konserthuset',
   'the place\'s @id answers');
is($t->get($concert->{keywords}[0]{'@id'} =~ s{^\Q$origin\E}{}r)->{status}, 200, 'and a keyword\'s');
my $full = decode_json($t->get('/calendars/culture.json?include=location,keywords&sort=name&text=joulukonsertti')->{content})->{data}[0];
is($full->{location}{id}, 'tpk:1', 'include=location: the place itself');
is($full->{location}{'@id'}, "$origin/calendars/culture/places/tpk:1.json", 'with its @id');
is($full->{location}{name}{fi}, 'Konserttitalo', 'and names');
is_deeply([ map { $_->{id} } @{ $full->{keywords} } ], [qw(music culture)], 'include=keywords: the keywords');
is($full->{keywords}[0]{name}{fi}, 'music', 'named in the calendar\'s first language');
$full = decode_json($t->get('/calendars/culture/events/concert.json?include=location')->{content});
is($full->{location}{name}{sv}, 'Konserthuset', 'include= on a single event');
is_deeply($full->{keywords}[0], { '@id' => "$origin/calendars/culture/keywords/music.json" }, 'the others stay references');
my $admin = decode_json($t->get('/admin/calendars/culture/events/concert')->{content});
is_deeply($admin->{keywords}, [qw(music culture)], 'the admin API keeps civic\'s own form');
is($concert->{deleted}, JSON::PP::false, 'not deleted');
is($concert->{super_event}, undef, 'a single event has no super_event');

# ---- one event
$r = $t->get('/calendars/culture/events/concert.json');
is($r->{status}, 200, 'one event as JSON');
is($r->{headers}{'access-control-allow-origin'}, '*', 'readable from other sites');
is_deeply(decode_json($r->{content}), $concert, 'the same object as in the list');
$r = $t->get('/calendars/culture/events/nosuch.json');
is($r->{status}, 404, 'an unknown event is 404');
like(decode_json($r->{content})->{error}, qr/no such event/, 'with a JSON body');
is($t->get('/calendars/nosuch.json')->{status}, 404, 'an unknown calendar is 404');
$r = $t->head('/calendars/culture.json');
is($r->{status}, 200, 'HEAD');
ok(!length($r->{content} // ''), 'HEAD has no body');
is($t->post('/calendars/culture.json', content => '{}')->{status}, 405, 'POST is 405');

# ---- filters
is(id_set('keyword=music'), 'cancelled,concert,weekly', 'keyword');
is(id_set('keyword=market,sport'), 'market,run', 'keyword: any of');
is(id_set('keyword_AND=music,kids'), 'weekly', 'keyword_AND');
is(id_set('keyword!=music'), 'gone,market,run', 'keyword!');
is(id_set('location=tpk:1'), 'concert,weekly', 'location');
is(id_set('text=JOULUKONSERTTI'), 'concert', 'text, case-insensitive');
is(id_set('text=konserttitalo'), 'concert,weekly', 'text in a place name');
is(id_set('text=tomasmarknaden'), 'market', 'text in another language');
is(id_set('text=joulu'), 'concert', 'text: a word begins with it');
is(id_set('text=konsertti'), 'concert,weekly', 'text: Konserttitalo begins with konsertti');
is(id_set('text=konsert%20julk'), 'concert', 'text: every word must begin a word of the event');
is(id_set('text=konsert%20kuoro'), 'weekly', 'text: words in different fields and languages');
is(id_set('text=onsertti'), '', 'text: the middle of a word is no match (words are indexed by their beginnings)');
$r = $t->get('/calendars/culture.json?text=%21%3F');
is($r->{status}, 400, 'text without a letter or digit is refused');
like(decode_json($r->{content})->{error}, qr/no word to search for/, 'saying why');
is(id_set('event_status=EventCancelled'), 'cancelled', 'event_status');
is(id_set('is_free=true'), 'market', 'is_free=true');
is(id_set('is_free=false'), 'concert', 'is_free=false');
is(id_set('start=2026-12-05&end=2026-12-07'), 'concert,run', 'start and end');
is(id_set('start=2026-12-12&end=2026-12-13'), 'market', 'an all-day event overlapping the window');
is(id_set('start=2026-12-05&end=2026-12-07&keyword=sport'), 'run', 'a window with a filter');

# ---- occurrences across the daylight-saving changes
$doc = list('start=2026-03-20&end=2026-04-05');
is($doc->{meta}{count}, 2, 'two occurrences in the window of the March change');
is_deeply([map { $_->{start_time} } @{ $doc->{data} }], ['2026-03-26T18:00:00+02:00', '2026-04-02T18:00:00+03:00'],
          'March: 18:00 local both weeks, the UTC offset changes');
is_deeply([map { $_->{end_time} } @{ $doc->{data} }], ['2026-03-26T19:00:00+02:00', '2026-04-02T19:00:00+03:00'],
          'each with its own end_time');
for my $o (@{ $doc->{data} }) {
    is($o->{id}, 'weekly', 'an occurrence keeps the id of its series');
    is_deeply($o->{super_event}, { '@id' => "$origin/calendars/culture/events/weekly.json" },
              'super_event: the series');
    is($o->{recurrence_id}, $o->{start_time}, 'recurrence_id: its start');
    (my $rid = $o->{start_time}) =~ s/\+/%2B/g;
    $rid =~ s/:/:/g;
    is($o->{'@id'}, "$origin/calendars/culture/events/weekly.json?recurrence_id=$rid", '@id names the occurrence');
}
$doc = list('start=2026-10-16&end=2026-11-01');
is_deeply([map { $_->{start_time} } @{ $doc->{data} }], ['2026-10-22T18:00:00+03:00', '2026-10-29T18:00:00+02:00'],
          'October: 18:00 local both weeks, the UTC offset changes back');
$doc = list('start=2026-04-06&end=2026-04-13');
is_deeply([map { $_->{start_time} } @{ $doc->{data} }], ['2026-04-11T12:00:00+03:00'],
          'EXDATE leaves 9 April out, RDATE adds 11 April');
is($doc->{data}[0]{end_time}, '2026-04-11T13:00:00+03:00', 'an RDATE occurrence lasts as long as the others');
$doc = list('start=2026-03-01&end=2027-01-01&page_size=100');
is($doc->{meta}{count}, 41, 'count counts occurrences: 36 of the series and 5 other events');
is(scalar(grep { $_->{id} eq 'weekly' } @{ $doc->{data} }), 36, 'every occurrence once');

# hide_recurring_children=true (Linked Events): a series once, as itself.
$doc = list('start=2026-03-20&end=2026-04-05&hide_recurring_children=true');
is($doc->{meta}{count}, 1, 'hide_recurring_children: the series once in a window of two occurrences');
is($doc->{data}[0]{id}, 'weekly', 'the series');
is($doc->{data}[0]{start_time}, '2026-03-12T18:00:00+02:00', 'with its own start');
is($doc->{data}[0]{super_event}, undef, 'not an occurrence of anything');
$doc = list('start=2026-03-01&end=2027-01-01&page_size=100&hide_recurring_children=true');
is($doc->{meta}{count}, 6, 'the year: the series and the 5 other events, each once');
is(scalar(grep { $_->{id} eq 'weekly' } @{ $doc->{data} }), 1, 'the series once');
is(list('hide_recurring_children=false&start=2026-03-20&end=2026-04-05')->{meta}{count}, 2,
   'hide_recurring_children=false: each occurrence');
$doc = list('page_size=100&hide_recurring_children=true');
my %once;
$once{$_->{id}}++ for @{ $doc->{data} };
ok(!grep({ $_ > 1 } values %once), 'without a range too, every event once');
is($doc->{meta}{count}, scalar(keys %once), 'and counted once');
$r = $t->get('/calendars/culture.json?hide_recurring_children=maybe');
is($r->{status}, 400, 'hide_recurring_children=maybe is 400');

# super_event=none and super_event_type (Linked Events): a series listed as
# itself is a recurring super event; single events and occurrences have none.
$doc = list('start=2026-03-01&end=2027-01-01&page_size=100&super_event=none');
is($doc->{meta}{count}, 6, 'super_event=none: the items without a super event, the series once');
ok(!grep({ $_->{super_event} } @{ $doc->{data} }), 'none of them has one');
$doc = list('start=2026-03-01&end=2027-01-01&page_size=100&super_event_type=recurring');
is_deeply([ map { $_->{id} } @{ $doc->{data} } ], ['weekly'], 'super_event_type=recurring: the series, as itself');
is($doc->{data}[0]{super_event}, undef, 'not as an occurrence');
$doc = list('start=2026-03-01&end=2027-01-01&page_size=100&super_event_type=none');
is($doc->{meta}{count}, 41, 'super_event_type=none: the single events and the occurrences');
is(list('start=2026-03-01&end=2027-01-01&super_event_type=umbrella')->{meta}{count}, 0,
   'super_event_type=umbrella: civic keeps no umbrella events');
is(list('start=2026-03-01&end=2027-01-01&page_size=100&super_event_type=recurring,none')->{meta}{count}, 41,
   'recurring,none: everything');
$r = $t->get('/calendars/culture.ics?start=2026-03-01&end=2027-01-01&super_event_type=recurring');
my @series = $r->{content} =~ /^UID:(.*?)\r$/mg;
is_deeply(\@series, ['weekly'], 'the iCal feed takes the filter too');
for my $bad ('super_event=weekly', 'super_event_type=festival', 'super_event_type=') {
    $r = $t->get("/calendars/culture.json?$bad");
    is($r->{status}, 400, "$bad is 400");
}

$r = $t->get('/calendars/culture/events/weekly.json?recurrence_id=2026-04-02T18:00:00%2B03:00');
is($r->{status}, 200, 'one occurrence by its recurrence_id');
my $occ = decode_json($r->{content});
is($occ->{start_time}, '2026-04-02T18:00:00+03:00', 'with its own start_time');
is($occ->{recurrence_id}, '2026-04-02T18:00:00+03:00', 'and recurrence_id');
is($occ->{super_event}{'@id'}, "$origin/calendars/culture/events/weekly.json", 'and super_event');
is($t->get('/calendars/culture/events/weekly.json?recurrence_id=2026-04-02T15:00:00Z')->{status}, 200,
   'the same instant in UTC');
is($t->get('/calendars/culture/events/weekly.json?recurrence_id=2026-04-09T18:00:00%2B03:00')->{status}, 404,
   'an excluded date is no occurrence');
is($t->get('/calendars/culture/events/weekly.json?recurrence_id=2026-04-03T18:00:00%2B03:00')->{status}, 404,
   'nor is another day');
$r = $t->get('/calendars/culture/events/weekly.json?recurrence_id=soon');
is($r->{status}, 400, 'a malformed recurrence_id is 400');
is(decode_json($r->{content})->{field}, 'recurrence_id', 'naming it');

# ---- sort orders
sub keys_of {
    my ($q, $key) = @_;
    return map { $_->{$key} // '' } @{ list($q)->{data} };
}
sub sorted_by {
    my ($name, $cmp, @v) = @_;
    my $ok = 1;
    for my $i (1 .. $#v) { $ok = 0 if $cmp->($v[$i - 1], $v[$i]) > 0 }
    ok($ok, $name) or diag(join "\n", @v);
}
use Time::Local qw(timegm);
sub instant {
    my ($s) = @_;
    return 0 unless $s;
    my ($y, $m, $d, $H, $M, $S, $z) = $s =~ /^(\d+)-(\d+)-(\d+)(?:T(\d+):(\d+):(\d+)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?)?$/
        or return 0;
    my $t = timegm($S // 0, $M // 0, $H // 0, $d, $m - 1, $y);
    if ($z && $z ne 'Z') { my ($sg, $h, $mm) = $z =~ /([+-])(\d\d):(\d\d)/; $t -= ($sg eq '-' ? -1 : 1) * ($h * 3600 + $mm * 60) }
    return $t;
}
my $window = 'start=2026-03-01&end=2027-01-01&page_size=100';
sorted_by('sort=start_time', sub { instant($_[0]) <=> instant($_[1]) }, keys_of("$window&sort=start_time", 'start_time'));
sorted_by('sort=-start_time', sub { instant($_[1]) <=> instant($_[0]) }, keys_of("$window&sort=-start_time", 'start_time'));
sorted_by('sort=end_time', sub { instant($_[0]) <=> instant($_[1]) },
          map { $_->{end_time} // $_->{start_time} } @{ list("$window&sort=end_time")->{data} });
sorted_by('sort=-end_time', sub { instant($_[1]) <=> instant($_[0]) },
          map { $_->{end_time} // $_->{start_time} } @{ list("$window&sort=-end_time")->{data} });
sorted_by('sort=last_modified_time', sub { $_[0] cmp $_[1] }, keys_of("sort=last_modified_time", 'last_modified_time'));
sorted_by('sort=-last_modified_time', sub { $_[1] cmp $_[0] }, keys_of("sort=-last_modified_time", 'last_modified_time'));
is(join(',', map { $_->{id} } @{ list('sort=name')->{data} }), 'cancelled,concert,weekly,gone,run,market',
   'sort=name: by the name in the first language (Aurajoen, Joulukonsertti, Kuoro, Poistettu, Run, Tuomaan)');
is(join(',', map { $_->{id} } @{ list('sort=name&lang=en')->{data} }), 'cancelled,weekly,concert,gone,run,market',
   'sort=name&lang=en: by the English names (Aurajoen, Choir, Christmas concert, ...)');
is(ids('sort=-start_time'), 'market,cancelled,run,concert,gone,weekly', 'sort=-start_time without a window');

# ---- paging: pages joined equal the whole list, for every sort order
sub follow_pages {
    my ($query) = @_;
    my (@items, %seen, $pages);
    my $path = "/calendars/culture.json?$query";
    my $expected_count;
    while (defined $path) {
        my $r = $t->get($path);
        is($r->{status}, 200, "page $path") or return;
        my $d = decode_json($r->{content});
        $expected_count //= $d->{meta}{count};
        is($d->{meta}{count}, $expected_count, 'every page has the same count');
        push @items, map { "$_->{id}\@" . ($_->{start_time} // '') } @{ $d->{data} };
        my $next = $d->{meta}{next};
        last unless defined $next;
        like($next, qr/^\Q$origin\E\/calendars\/culture\.json\?/, 'next is an absolute URL');
        (my $rest = $next) =~ s/^\Q$origin\E//;
        $path = $rest;
        last if ++$pages > 50;
    }
    my %count;
    $count{$_}++ for @items;
    ok(!grep({ $count{$_} > 1 } keys %count), "no item twice ($query)");
    is(scalar(@items), $expected_count, "as many items as count ($query)");
    return @items;
}
for my $sort ('start_time', '-start_time', 'end_time', '-end_time', 'last_modified_time', '-last_modified_time', 'name') {
    for my $base ('start=2026-03-01&end=2027-01-01', 'keyword=music', '') {
        my $q = join '&', grep { length } $base, "sort=$sort";
        my @all = map { "$_->{id}\@" . ($_->{start_time} // '') } @{ list("$q&page_size=100")->{data} };
        my @joined = follow_pages("$q&page_size=4");
        is_deeply(\@joined, \@all, "pages of 4 joined equal the whole list ($q)");
    }
}
$doc = list('keyword=music&page_size=1&page=2&cache=x');
is($doc->{meta}{next}, "$origin/calendars/culture.json?keyword=music&page_size=1&cache=x&page=3",
   'next keeps the other parameters');
is($doc->{meta}{previous}, "$origin/calendars/culture.json?keyword=music&page_size=1&cache=x&page=1",
   'so does previous');
$r = $t->get('/calendars/culture.json?page=9');
is($r->{status}, 404, 'a page beyond the last is 404');
is(decode_json($r->{content})->{field}, 'page', 'naming page');
is(scalar @{ list('page_size=2')->{data} }, 2, 'page_size');
is(scalar @{ list('')->{data} }, 6, 'page_size is 20 unless asked');

# ---- malformed parameters
for my $bad ('sort=price', 'sort=', 'page=0', 'page=x', 'page=-1', 'page_size=0', 'page_size=101', 'page_size=ten',
             'show_deleted=maybe', 'start=yesterdayish', 'last_modified_since=eilen', 'page=1&page=2') {
    my $r = $t->get("/calendars/culture.json?$bad");
    is($r->{status}, 400, "$bad is 400");
    my ($name) = $bad =~ /^([^=]+)/;
    is(eval { decode_json($r->{content})->{field} }, $name, "naming $name");
}

# ---- caching
my $a1 = $t->get('/calendars/culture.json?keyword=music');
my $a2 = $t->get('/calendars/culture.json?keyword=music');
is($a1->{headers}{etag}, $a2->{headers}{etag}, 'the same ETag twice');
is($a1->{content}, $a2->{content}, 'byte-identical bodies');
$r = $t->get('/calendars/culture.json?keyword=music', headers => { 'If-None-Match' => $a1->{headers}{etag} });
is($r->{status}, 304, '304 for a current copy');
is($r->{headers}{etag}, $a1->{headers}{etag}, 'with the ETag');
is($r->{headers}{'access-control-allow-origin'}, '*', 'and Access-Control-Allow-Origin');
isnt($t->get('/calendars/culture.json?keyword=music&page_size=2')->{headers}{etag}, $a1->{headers}{etag},
     'another query, another ETag');

# ---- sync: last_modified_since with show_deleted
sleep 2;
my $since = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time));
sleep 1;
$r = $t->put('/admin/calendars/culture/events/run', headers => { 'Content-Type' => 'application/json' },
             content => encode_json({ %{ $events[4] }, name => { en => 'Evening run' } }));
is($r->{status}, 200, 'an event changed');
is($t->delete('/admin/calendars/culture/events/gone')->{status}, 204, 'an event deleted');
my $after = $t->get('/calendars/culture.json?keyword=music', headers => { 'If-None-Match' => $a1->{headers}{etag} });
is($after->{status}, 200, 'a change makes the old copy stale');
is(id_set("last_modified_since=$since"), 'run', 'last_modified_since: what changed');
$doc = list("last_modified_since=$since&show_deleted=true&sort=last_modified_time");
is(join(',', map { $_->{id} } @{ $doc->{data} }), 'run,gone', 'with show_deleted: the deleted one too, in order');
is($doc->{meta}{count}, 2, 'counted');
my ($gone) = grep { $_->{id} eq 'gone' } @{ $doc->{data} };
is_deeply([sort keys %$gone], ['deleted', 'id', 'last_modified_time'], 'a deleted event: id, deleted, last_modified_time');
is($gone->{deleted}, JSON::PP::true, 'deleted: true');
cmp_ok(instant($gone->{last_modified_time}), '>=', instant($since), 'last_modified_time: when it was deleted');
is(id_set("last_modified_since=$since&show_deleted=true"), 'gone,run', 'show_deleted with the default sort');
is(id_set("last_modified_since=$since&show_deleted=true&keyword!=sport"), 'gone',
   'filters apply to deleted events as they did to the event');
is(id_set('show_deleted=false'), 'cancelled,concert,market,run,weekly', 'a deleted event leaves the list');
is(id_set('start=2026-12-01&end=2026-12-02&show_deleted=true'), 'gone', 'show_deleted in a window: by its last times');
is(id_set('start=2026-12-01&end=2026-12-02'), '', 'and not without it');
is($t->get('/calendars/culture/events/gone.json')->{status}, 404, 'and is 404 alone');
is(list('')->{meta}{count}, 5, 'the count follows');

# ---- jCal and xCal: by Accept, read back, and the same as the .ics
sub forms_of {
    my ($form, $body) = @_;
    my ($rc, $out, $err) = Civic::Test::run_command(['/usr/bin/python3', "$Civic::Test::ROOT/t/tools/calendar_forms.py",
                                                     $form, '/dev/stdin'], input => $body);
    is($rc, 0, "$form parsed back") or diag($err);
    return $rc == 0 ? decode_json($out) : undef;
}
for my $q ('', 'start=2026-03-20&end=2026-04-20', 'keyword=music', 'lang=sv') {
    my $ics = $t->get("/calendars/culture.ics?$q");
    is($ics->{status}, 200, ".ics?$q");
    my $want = forms_of('ics', $ics->{content});
    ok(@$want >= 1, "events in .ics?$q");
    for my $form (['jcal', 'application/calendar+json'], ['xcal', 'application/calendar+xml']) {
        my $r = $t->get("/calendars/culture?$q", headers => { Accept => $form->[1] });
        is($r->{status}, 200, "$form->[0] of ?$q");
        is($r->{headers}{'content-type'}, "$form->[1]; charset=utf-8", "as $form->[1]");
        is($r->{headers}{vary}, 'Accept', 'Vary: Accept');
        is($r->{headers}{'access-control-allow-origin'}, '*', 'readable from other sites');
        is_deeply(forms_of($form->[0], $r->{content}), $want,
                  "$form->[0] of ?$q: the same UIDs, DTSTART, DTEND, SUMMARY, RRULE and EXDATE as the .ics");
        my $again = $t->get("/calendars/culture?$q", headers => { Accept => $form->[1], 'If-None-Match' => $r->{headers}{etag} });
        is($again->{status}, 304, "$form->[0]: 304 for a current copy");
        isnt($r->{headers}{etag}, $ics->{headers}{etag}, "$form->[0]: its own ETag");
    }
}
for my $form (['jcal', 'application/calendar+json'], ['xcal', 'application/calendar+xml']) {
    my $r = $t->get('/calendars/culture/events/weekly', headers => { Accept => $form->[1] });
    is($r->{status}, 200, "one event as $form->[0]");
    is($r->{headers}{vary}, 'Accept', 'Vary: Accept');
    is_deeply(forms_of($form->[0], $r->{content}), forms_of('ics', $t->get('/calendars/culture/events/weekly.ics')->{content}),
              "one event: $form->[0] says what the .ics says");
}
$r = $t->get('/calendars/culture', headers => { Accept => 'text/calendar;q=0.5, application/calendar+xml' });
like($r->{headers}{'content-type'}, qr{^application/calendar\+xml}, 'q-values: xCal preferred');
$r = $t->get('/calendars/culture', headers => { Accept => 'application/calendar+json;q=0.9, text/calendar;q=0.2' });
like($r->{headers}{'content-type'}, qr{^application/calendar\+json}, 'q-values: jCal preferred');
$r = $t->get('/calendars/culture', headers => { Accept => 'image/png, application/json' });
is($r->{status}, 406, 'nothing acceptable: 406');
$r = $t->get('/calendars/culture');
like($r->{headers}{'content-type'}, qr{^text/calendar}, 'no Accept: iCal');

# ---- a series that goes on past what was materialized (two years)
$r = $t->put('/admin/calendars/culture/events/forever', headers => { 'Content-Type' => 'application/json' },
             content => encode_json({ name => { fi => 'Aina' }, start_time => '2026-01-05T10:00:00+02:00',
                                      end_time => '2026-01-05T11:00:00+02:00',
                                      recurrence => { rrule => 'FREQ=WEEKLY;BYDAY=MO' } }));
is($r->{status}, 201, 'an endless series');
$doc = list('start=2031-06-01&end=2031-06-15');
is_deeply([map { $_->{start_time} } @{ $doc->{data} }], ['2031-06-02T10:00:00+03:00', '2031-06-09T10:00:00+03:00'],
          'its occurrences years ahead, expanded on demand');
my @one_by_one = follow_pages('start=2031-06-01&end=2031-06-15&page_size=1');
is_deeply(\@one_by_one, ['forever@2031-06-02T10:00:00+03:00', 'forever@2031-06-09T10:00:00+03:00'],
          'paged one by one: each once');
is($t->get('/calendars/culture/events/forever.json?recurrence_id=2031-06-09T10:00:00%2B03:00')->{status}, 200,
   'one of them by recurrence_id');

# ---- a list that reads more than the inline budget is built in the pool
my @hourly = map { { id => "h$_", name => { en => "Hourly $_" }, start_time => "2026-12-0${_}T00:00:00Z",
                     end_time => "2026-12-0${_}T00:30:00Z", timezone => 'UTC',
                     recurrence => { rrule => 'FREQ=HOURLY;COUNT=5000' } } } 1 .. 5;
$r = $t->post('/admin/calendars/busy/events', headers => { 'Content-Type' => 'application/json' },
              content => encode_json(\@hourly));
is($r->{status}, 200, '5 series of 5,000 occurrences each') or diag($r->{content});
$doc = decode_json($t->get('/calendars/busy.json')->{content});
is($doc->{meta}{count}, 5, 'listed from the thread pool: 5 events');
is(join(',', map { $_->{id} } @{ $doc->{data} }), 'h1,h2,h3,h4,h5', 'in order');
$r = $t->get('/calendars/busy.json?start=2026-12-01&end=2028-01-01&page_size=100&page=250');
is($r->{status}, 200, 'the last page of 25,000 occurrences');
$doc = decode_json($r->{content});
is($doc->{meta}{count}, 25000, 'count: every occurrence');
is(scalar @{ $doc->{data} }, 100, 'a full last page');
is($doc->{meta}{next}, undef, 'and no next');
my $again = $t->get('/calendars/busy.json?start=2026-12-01&end=2028-01-01&page_size=100&page=250');
is($again->{content}, $r->{content}, 'the same bytes again');
is($t->get('/calendars/busy.json?start=2026-12-01&end=2028-01-01&page_size=100&page=251')->{status}, 404,
   'no page after it');

# ---- an event whose every occurrence is excluded is in no list, nor in its count
my $count_before = list('page_size=1')->{meta}{count};
$r = $t->put('/admin/calendars/culture/events/never', headers => { 'Content-Type' => 'application/json' },
             content => encode_json({ name => { fi => 'Ei koskaan' }, start_time => '2026-12-03T18:00:00+02:00',
                                      recurrence => { rrule => 'FREQ=WEEKLY;COUNT=2',
                                                      exdate => ['2026-12-03T18:00:00+02:00', '2026-12-10T18:00:00+02:00'] } }));
is($r->{status}, 201, 'an event with every occurrence excluded is stored') or diag($r->{content});
my $first = list('page_size=1');
is($first->{meta}{count}, $count_before, 'and the count of the first page does not include it');
my $all = list('page_size=100');
is($all->{meta}{count}, scalar @{ $all->{data} }, 'the count is the number of items listed');
ok(!grep({ $_->{id} eq 'never' } @{ $all->{data} }), 'which do not include it');

done_testing;
