# days=N, as Linked Events has it: the events of today and the N-1 days
# after it, in the calendar's time zone; not with start or end.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use POSIX ();
use Civic::Test;

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_calendar culture { languages fi; timezone Europe/Helsinki; }
    server {
        listen %%ADDR%%;
        location /calendars/ { civic_calendars; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

# Days as Helsinki has them (the test may run near its midnight: noon
# events, and the day is taken again after the writes).
$ENV{TZ} = 'Europe/Helsinki';
POSIX::tzset();
sub helsinki_day {
    my ($offset) = @_;
    my @l = localtime(time + $offset * 86400);
    return sprintf('%04d-%02d-%02d', $l[5] + 1900, $l[4] + 1, $l[3]);
}
my $today = helsinki_day(0);
my @events = map { { id => "d$_", name => { fi => "Päivä $_" }, start_time => helsinki_day($_) . 'T12:00:00' } } 0, 2, 10, -1;
my $r = $t->post('/admin/calendars/culture/events', headers => { 'Content-Type' => 'application/json' },
                 content => encode_json(\@events));
is($r->{status}, 200, 'events today, in 2 and 10 days, and yesterday');

sub ids {
    my ($q) = @_;
    my $r = $t->get("/calendars/culture.json?$q");
    is($r->{status}, 200, "$q is 200") or diag($r->{content});
    return join ',', sort map { $_->{id} } @{ decode_json($r->{content})->{data} // [] };
}
SKIP: {
    skip 'Helsinki\'s day changed during the test', 14 if helsinki_day(0) ne $today;
    is(ids('days=1'), 'd0', 'days=1: today');
    is(ids('days=3'), 'd0,d2', 'days=3: today and the two days after');
    is(ids('days=11'), 'd0,d10,d2', 'days=11: up to the tenth day after today');
    is(ids('days=11'), ids("start=$today&end=" . helsinki_day(10)), 'the same as start=today&end=the last day');
    my $ics = $t->get('/calendars/culture.ics?days=3')->{content};
    is(scalar(() = $ics =~ /BEGIN:VEVENT/g), 2, 'the iCal feed takes it too');
}

for my $bad ('days=0', 'days=3651', 'days=week', "days=3&start=$today", 'days=3&end=2030-01-01') {
    $r = $t->get("/calendars/culture.json?$bad");
    is($r->{status}, 400, "$bad is 400");
    is(decode_json($r->{content})->{field}, 'days', 'naming days');
}

done_testing;
