# GET /admin/metrics (issue 19, item 2): the Prometheus text format, read by
# python3-prometheus-client's own parser. Counters are shared by the
# workers (two here, connections spread over them): after N requests the
# scrape says N whichever worker answers it. They move as feeds are read,
# submissions are stored or refused and commits run; the store's figures
# are there too; a reload keeps the counts.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form);

my $t = Civic::Test->new(workers => 2, http => <<"END");
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture {
        title fi "Kulttuuri";
        languages fi sv;
        timezone Europe/Helsinki;
    }
@{[ feedback_form() ]}
    log_format pids '\$pid \$uri';
    server {
        listen %%ADDR%%;
        access_log %%PREFIX%%/logs/pids.log pids;
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub scrape {
    my $r = $t->get('/admin/metrics');
    is($r->{status}, 200, 'GET /admin/metrics is 200');
    like($r->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'in the Prometheus text format');
    my ($rc, $out, $err) = Civic::Test::run_command([ '/usr/bin/python3', 't/tools/prometheus_parse.py' ],
                                                    input => $r->{content});
    is($rc, 0, 'python3-prometheus-client parses it') or diag($err);
    my %v;
    for my $line (split /\n/, $out) {
        my $s = decode_json($line);
        my $key = join ',', $s->{name}, map { "$_=$s->{labels}{$_}" } sort keys %{ $s->{labels} };
        $v{$key} = $s->{value};
    }
    return \%v;
}

my $m = scrape();
is($m->{'civic_calendar_events,calendar=culture'}, 0, 'the calendar has no events yet');
ok(exists $m->{'civic_store_map_size_bytes'} && $m->{'civic_store_map_size_bytes'} == 64 * 1024 * 1024,
   'the store\'s map size');
ok($m->{'civic_store_used_bytes'} > 0, 'its used bytes');
ok(exists $m->{'civic_store_readers'} && exists $m->{'civic_store_oldest_reader_lag_transactions'},
   'readers and the oldest reader\'s lag');
is($m->{'civic_form_submissions_total,form=feedback,reason=,result=accepted'}, 0, 'no submission yet');

my $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                 content => encode_json([ map { { id => "e$_", name => { fi => "Tapahtuma $_" },
                                                 start_time => "2027-03-0${_}T18:00:00+02:00" } } 1 .. 5 ]));
is($r->{status}, 200, 'five events in');

# iCal requests until both workers have answered some (each connection
# goes to one of them).
sub ics_pids {
    my %pids = map { (split / /)[0] => 1 } grep { m{ /calendars/culture\.ics$} }
        split /\n/, Civic::Test::read_file($t->prefix . '/logs/pids.log');
    return scalar keys %pids;
}
my $ics = 0;
my $bytes = 0;
while ($ics < 20 || (ics_pids() < 2 && $ics < 400)) {
    my $f = $t->get('/calendars/culture.ics?start=2027-03-01&end=2027-03-31');
    $ics++ if $f->{status} == 200;
    $bytes += length $f->{content};
}
my $etag = $t->get('/calendars/culture.json')->{headers}{etag};
$t->get('/calendars/culture.json', headers => { 'If-None-Match' => $etag }) for 1 .. 3;
$t->get('/calendars/culture/events/nope.json') for 1 .. 2;
$t->get('/calendars/culture', headers => { Accept => 'image/png' });
$t->get('/calendars/culture', headers => { Accept => 'application/calendar+json' });

my %good = (name => 'Matti', email => 'matti@example.fi', topic => 'roads', message => 'Kuoppa', consent => JSON::PP::true);
for (1 .. 3) {
    $r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' }, content => encode_json(\%good));
    is($r->{status}, 201, 'a submission stored');
}
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' }, content => encode_json({ name => '' }));
is($r->{status}, 422, 'an invalid one refused');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'text/plain' }, content => 'x');
is($r->{status}, 415, 'one of an unsupported type refused');

is(ics_pids(), 2, "the $ics iCal requests were answered by both workers");
$m = scrape();
is($m->{'civic_feed_requests_total,calendar=culture,format=ics,status=200'}, $ics,
   'every iCal answer counted, by both workers together');
is($m->{'civic_feed_requests_total,calendar=culture,format=json,status=304'}, 3, 'three 304s');
is($m->{'civic_feed_requests_total,calendar=culture,format=json,status=404'}, 2, 'two 404s');
is($m->{'civic_feed_requests_total,calendar=culture,format=other,status=406'}, 1, 'a 406 (no format acceptable)');
is($m->{'civic_feed_requests_total,calendar=culture,format=jcal,status=200'}, 1, 'a jCal answer');
ok($m->{'civic_feed_bytes_total,calendar=culture'} >= $bytes, 'the bytes of the bodies sent');
ok($m->{'civic_feed_cache_hits_total,calendar=culture'} >= $ics - 2, 'the repeated feed came from the cache');
is($m->{'civic_calendar_events,calendar=culture'}, 5, 'five events');
is($m->{'civic_form_submissions_total,form=feedback,reason=,result=accepted'}, 3, 'three submissions accepted');
is($m->{'civic_form_submissions_total,form=feedback,reason=invalid,result=refused'}, 1, 'one refused as invalid');
is($m->{'civic_form_submissions_total,form=feedback,reason=unsupported,result=refused'}, 1, 'one as unsupported');
is($m->{'civic_form_submissions_stored,form=feedback'}, 3, 'three stored');
ok(exists $m->{'civic_form_retention_seconds,form=feedback'}, 'the form\'s retention');
is($m->{'civic_commit_batch_size_count'}, $m->{'civic_commit_duration_seconds_count'}, 'each commit timed');
is($m->{'civic_commit_batch_size_sum'}, 3, 'the commits wrote three submissions');
is($m->{'civic_commit_batch_size_bucket,le=+Inf'}, $m->{'civic_commit_batch_size_count'}, 'buckets add up');
ok($m->{'civic_commit_duration_seconds_sum'} > 0, 'and took some time');

# A reload keeps the counters (the zone is reused).
$t->reload;
$t->get('/calendars/culture.ics?start=2027-03-01&end=2027-03-31');
$m = scrape();
is($m->{'civic_feed_requests_total,calendar=culture,format=ics,status=200'}, $ics + 1, 'a reload keeps the counts');

is($t->post('/admin/metrics', content => 'x')->{status}, 405, 'POST is 405');
done_testing;
