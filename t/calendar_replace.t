# Replacing a calendar's whole set (issue 18, item 5): the admin API's
# POST ?mode=replace (one transaction) and `civicctl import --replace`
# (streamed): events the new set does not hold are deleted, their
# tombstones reach syncing clients, and a refused replacement changes
# nothing.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::ICal qw(ical_ok);

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar library {
        title fi "Kirjasto";
        languages fi sv;
        timezone Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 20m; civic_admin; }
    }
END
$t->start;

sub body_of { my ($r) = @_; my $b = eval { decode_json($r->{content}) }; return $b // {} }

sub event {
    my ($id, $day, $name) = @_;
    return { id => $id, name => { fi => $name // "Satutunti $id" },
             start_time => sprintf('2027-02-%02dT10:00:00+02:00', $day) };
}

sub post_json {
    my ($events, $args) = @_;
    return $t->post('/admin/calendars/library/events' . ($args // ''),
                    headers => { 'Content-Type' => 'application/json' }, content => encode_json($events));
}

sub feed_ids {
    my @uids = ical_ok($t->get('/calendars/library.ics')->{content}, 'the feed');
    return join ' ', sort @uids;
}

# Sync clients (Linked Events' way): what changed since, deletions included.
sub changes_since {
    my ($since) = @_;
    my $r = $t->get("/calendars/library.json?last_modified_since=$since&show_deleted=true&sort=last_modified_time&page_size=100");
    is($r->{status}, 200, 'the sync query is 200');
    my %seen = map { $_->{id} => ($_->{deleted} ? 'deleted' : 'live') } @{ body_of($r)->{data} // [] };
    return \%seen;
}

my $r = post_json([ map { event("a$_", $_) } 1 .. 5 ]);
is($r->{status}, 200, 'five events imported');
is_deeply(body_of($r), { created => 5, updated => 0, unchanged => 0 }, 'an upsert answers without "deleted"');
is(feed_ids(), 'a1 a2 a3 a4 a5', 'the feed has them');

# ---- the admin API: one transaction
sleep 1;
my $since = do { my @t = gmtime(time); sprintf('%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0]) };
$r = post_json([ event('a1', 1), event('a2', 2, 'Satutunti, uusi nimi'), event('b1', 9) ], '?mode=replace');
is($r->{status}, 200, 'a replacement is 200');
is_deeply(body_of($r), { created => 1, updated => 1, unchanged => 1, deleted => 3 },
          'one created, one updated, one unchanged, three deleted');
is(feed_ids(), 'a1 a2 b1', 'the feed holds exactly the new set');
is_deeply(changes_since($since), { a2 => 'live', b1 => 'live', a3 => 'deleted', a4 => 'deleted', a5 => 'deleted' },
          'a syncing client sees the change, the new event and the three deletions');
$r = $t->get('/admin/calendars/library/events/a3');
is(body_of($r)->{deleted}, JSON::PP::true, 'a deleted event is a tombstone');

$r = post_json([ event('a1', 1), event('a2', 2, 'Satutunti, uusi nimi'), event('b1', 9) ], '?mode=replace');
is_deeply(body_of($r), { created => 0, updated => 0, unchanged => 3, deleted => 0 }, 'the same set again changes nothing');

my $before = $t->get('/calendars/library.ics')->{content};
$r = post_json([ event('c1', 3), { id => 'c2', name => { fi => 'Rikki' }, start_time => 'ei aika' } ], '?mode=replace');
is($r->{status}, 422, 'a replacement with a bad event is 422');
is(body_of($r)->{field}, '[1].start_time', 'naming the element');
is($t->get('/calendars/library.ics')->{content}, $before, 'and nothing was deleted or written');

$r = post_json([ event('a1', 1) ], '?mode=merge');
is($r->{status}, 400, 'an unknown mode is 400');
is(body_of($r)->{field}, 'mode', 'naming the parameter');
$r = post_json([ event('a1', 1) ], '?mode=replace&mode=upsert');
is($r->{status}, 400, 'a mode given twice is 400');
is($t->get('/calendars/library.ics')->{content}, $before, 'refused requests change nothing');

$r = post_json([], '?mode=replace');
is_deeply(body_of($r), { created => 0, updated => 0, unchanged => 0, deleted => 3 }, 'an empty set empties the calendar');
is(feed_ids(), '', 'the feed has no event');

# ---- civicctl import --replace: streamed, in batches

my $all = $t->write_file('all.json', encode_json([ map { event("s$_", 1 + $_ % 28) } 1 .. 2500 ]));
my ($rc, $out, $err) = $t->civicctl('import', 'library', $all);
is($rc, 0, 'civicctl imports 2,500 events') or diag($err);
is_deeply(decode_json($out), { created => 2500, updated => 0, unchanged => 0 }, 'all created');

my $half = $t->write_file('half.json', encode_json([ map { event("s$_", 1 + $_ % 28) } 1 .. 1200 ]));
($rc, $out, $err) = $t->civicctl('import', 'library', $half, '--replace');
is($rc, 0, 'civicctl import --replace') or diag($err);
is_deeply(decode_json($out), { created => 0, updated => 0, unchanged => 1200, deleted => 1300 },
          'deletes the 1,300 events the file does not hold (more than one batch)');
$r = $t->get('/calendars/library.json?page_size=1');
is(body_of($r)->{meta}{count}, 1200, 'the calendar holds the file\'s 1,200');

my $broken = $t->write_file('broken.json', '[' . encode_json(event('s1', 1)) . ', {"id": "x"');
($rc, $out, $err) = $t->civicctl('import', 'library', $broken, '--replace');
isnt($rc, 0, 'a broken file is refused');
like($err, qr/nothing was imported/, 'saying nothing was imported');
$r = $t->get('/calendars/library.json?page_size=1');
is(body_of($r)->{meta}{count}, 1200, 'and nothing was deleted');

($rc, $out, $err) = $t->civicctl('verify');
is($rc, 0, 'civicctl verify finds the store whole (indexes of the deleted events too)') or diag($out, $err);

($rc, $out, $err) = $t->civicctl('import', 'library', $half, '--merge');
isnt($rc, 0, 'an unknown option is refused');
like($err, qr/usage: civicctl import CAL FILE \[--replace\]/, 'with the usage');

done_testing;
