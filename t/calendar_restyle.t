# A calendar's languages change at a reload: its events were stored in the
# old style. They are served right away (rendered when read), and nginx's
# workers write them again in the new style in the background, a slice a
# second, so that feeds and sort=name answer from stored bytes again; each
# event's SEQUENCE and last-modified time stay.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes ();
use Civic::Test;

sub http_block {
    my ($languages) = @_;
    return <<"END";
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture {
        languages $languages;
        timezone Europe/Helsinki;
    }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
}

my $t = Civic::Test->new(workers => 2, http => http_block('fi'));
$t->start;

my @events = map {
    { id => "e$_", name => { fi => "Tapahtuma $_", sv => sprintf('Evenemang %04d', 2600 - $_) },
      start_time => sprintf('2027-03-%02dT18:00:00+02:00', 1 + $_ % 28) }
} 1 .. 2500;
my $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                 content => encode_json(\@events));
is($r->{status}, 200, '2,500 events imported') or diag($r->{content});
my $before = decode_json($t->get('/calendars/culture/events/e7.json')->{content});

$t->set_config(http => http_block('fi sv'));
$t->reload;

# Served at once, in the new language, before anything is written again.
$r = $t->get('/calendars/culture.json?sort=name&lang=sv&page_size=3');
is($r->{status}, 200, 'sort=name in the new language answers at once');
is_deeply([ map { $_->{name}{sv} } @{ decode_json($r->{content})->{data} } ],
          [ 'Evenemang 0100', 'Evenemang 0101', 'Evenemang 0102' ], 'in the new language\'s order');

my $done = 0;
for (1 .. 300) {
    if ($t->error_log =~ /civic_calendar "culture": every event is stored in the calendar's style now/) { $done = 1; last }
    Time::HiRes::sleep(0.1);
}
ok($done, 'the workers wrote every event again in the new style (2,500 in slices of 1,000)');
$r = $t->get('/calendars/culture.json?sort=name&lang=sv&page_size=3');
is_deeply([ map { $_->{name}{sv} } @{ decode_json($r->{content})->{data} } ],
          [ 'Evenemang 0100', 'Evenemang 0101', 'Evenemang 0102' ], 'the same page from the name index');
my $after = decode_json($t->get('/calendars/culture/events/e7.json')->{content});
is($after->{last_modified_time}, $before->{last_modified_time}, 'an event\'s last-modified time is as it was');
my ($rc, $out) = $t->civicctl('verify');
is($rc, 0, 'civicctl verify: the store is whole') or diag($out);
like($t->get('/calendars/culture.ics?lang=sv&start=2027-03-01&end=2027-03-02')->{content}, qr/SUMMARY;LANGUAGE=sv:Evenemang/,
     'the iCal feed in Swedish');

done_testing;
