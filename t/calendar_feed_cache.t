# civic_feed_cache: built feeds kept per worker and found by their ETag.
# Two nginx on one store, one with the cache and one without, give the same
# bytes, before and after a write; the directive's errors.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::ICal qw(ical_ok);

my $calendar = <<'END';
    civic_calendar culture {
        languages fi sv;
        timezone Europe/Helsinki;
        refresh 1h;
    }
END

sub config {
    my ($cache, $store) = @_;
    return <<"END";
    civic_store $store max_size=64m;
    $cache
$calendar
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { client_max_body_size 10m; civic_admin; }
    }
END
}

my $cached = Civic::Test->new(http => config('civic_feed_cache 1m;', '%%STORE%%'));
my $plain = Civic::Test->new(http => config('civic_feed_cache off;', $cached->store));

for my $bad (['civic_feed_cache lots;', qr/civic_feed_cache: invalid size "lots"/],
             ['civic_feed_cache 10k;', qr/at least 1m/],
             ["civic_feed_cache 1m;\n    civic_feed_cache 2m;",
              qr/"civic_feed_cache" directive is duplicate|CivicFeedCache is duplicate/]) {
    $plain->set_config(http => config($bad->[0], $cached->store));
    my ($rc, $out) = $plain->test_config;
    isnt($rc, 0, "nginx -t refuses $bad->[0]");
    like($out, $bad->[1], 'saying why');
    my ($file, $line) = $plain->config_error_at($out);
    ok($file && $file eq $plain->conf_file && $line, 'with file and line') or diag($out);
}
$plain->set_config(http => config('civic_feed_cache off;', $cached->store));

$cached->start;
$plain->start;

sub import_events {
    my ($events) = @_;
    my $r = $cached->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                          content => encode_json($events));
    is($r->{status}, 200, 'import') or diag($r->{content});
}

my @events = map { { id => "e$_", name => { fi => "Tapahtuma $_", sv => "Evenemang $_" },
                     description => { fi => '<p>' . ('Kuvaus. ' x 40) . '</p>' },
                     start_time => sprintf('2026-12-%02dT18:00:00+02:00', 1 + $_ % 28) } } 1 .. 40;
import_events(\@events);

for my $path ('/calendars/culture.ics', '/calendars/culture.ics?lang=sv', '/calendars/culture.ics?start=2026-12-05&end=2026-12-10',
              '/calendars/culture/events/e7.ics') {
    my $first = $cached->get($path);
    my $again = $cached->get($path);
    my $other = $plain->get($path);
    is($first->{status}, 200, "$path is 200");
    is($again->{content}, $first->{content}, "$path: the second answer (from the cache) is the same bytes");
    is($other->{content}, $first->{content}, "$path: the same bytes as without the cache");
    is($again->{headers}{etag}, $other->{headers}{etag}, "$path: and the same ETag");
    my $head = $cached->head($path);
    is($head->{headers}{'content-length'}, length($first->{content}), "$path: HEAD from the cache gives the length");
    is($head->{content} // '', '', "$path: and no body");
}
ical_ok($cached->get('/calendars/culture.ics')->{content}, 'the cached feed');

# A write: the next answer is the new calendar, not the kept one.
my $before = $cached->get('/calendars/culture.ics');
my $r = $cached->put('/admin/calendars/culture/events/e7', headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({ %{ $events[6] }, name => { fi => 'Muutettu' } }));
is($r->{status}, 200, 'one event changed');
my $after = $cached->get('/calendars/culture.ics');
isnt($after->{headers}{etag}, $before->{headers}{etag}, 'a new ETag');
like($after->{content}, qr/SUMMARY;LANGUAGE=fi:Muutettu/, 'and the change, not the kept body');
is($after->{content}, $plain->get('/calendars/culture.ics')->{content}, 'the same as without the cache');
like($cached->get('/calendars/culture/events/e7.ics')->{content}, qr/Muutettu/, 'the single event too');

# A body larger than an eighth of the cache is not kept, and still served.
import_events([ map { { id => "big$_", name => { fi => 'Iso ' . ('x' x 500) }, description => { fi => 'y' x 3000 },
                        start_time => '2026-12-20T18:00:00+02:00' } } 1 .. 60 ]);
my $big = $cached->get('/calendars/culture.ics');
ok(length($big->{content}) > 131072, 'a feed of ' . length($big->{content}) . ' bytes');
is($cached->get('/calendars/culture.ics')->{content}, $big->{content}, 'served again the same');
is($big->{content}, $plain->get('/calendars/culture.ics')->{content}, 'as without the cache');

done_testing;
