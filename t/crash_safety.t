# Crash safety (issue 7): while many clients send submissions and event
# writes, nginx's master and workers are killed with SIGKILL at random
# moments, several times, and restarted. Every submission that got a 201 and
# every event write that got a 201 must be in the store afterwards, intact.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use Civic::Test;
use Civic::Load;

my $rounds = $ENV{CIVIC_CRASH_ROUNDS} || 5;
my $clients = 8;  # half submit, half write events

my $t = Civic::Test->new(workers => 2, http => <<'END');
    civic_store %%STORE%% max_size=256m;
    civic_calendar culture { languages fi; timezone Europe/Helsinki; }
    civic_form note { json_submissions on;
        languages en;
        min_fill_time 0;
        receipt_prefix N;
        field text textarea { required; max_length 2000; }
    }
    server {
        listen %%ADDR%% reuseport;
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
$t->start;

my $url = $t->url('');
my $load = Civic::Load->start(clients => $clients, body => sub {
    my ($c, $n, $http, $log) = @_;
    my $text = "client $c write $n " . join('', map { chr(97 + int rand 26) } 1 .. 40);
    if ($c % 2) {
        my $r = $http->request('POST', "$url/forms/note", {
            headers => { 'Content-Type' => 'application/json', Accept => 'application/json' },
            content => encode_json({ text => $text }) });
        if ($r->{status} == 201) {
            my $receipt = eval { decode_json($r->{content})->{receipt} } // 'MALFORMED';
            print $log "submission\t$receipt\t$text\n";
        }
        sleep 0.02 if $r->{status} == 599;
    } else {
        my $id = "c$c-$n-$$";
        my $r = $http->request('PUT', "$url/admin/calendars/culture/events/$id", {
            headers => { 'Content-Type' => 'application/json' },
            content => encode_json({ name => { fi => $text }, start_time => '2026-12-01T10:00:00+02:00' }) });
        print $log "event\t$id\t$text\n" if $r->{status} == 201;
        sleep 0.02 if $r->{status} == 599;  # nginx is down: wait a little
    }
});

my $kills = 0;
for my $round (1 .. $rounds) {
    sleep(0.3 + rand 1.2);
    $t->crash;
    $kills++;
    sleep(rand 0.3);
    $t->start;
}
sleep 1;
my @lines = $load->stop;

# What the clients were told was stored.
my (%submissions, %events);
for (@lines) {
    my ($kind, $key, $text) = split /\t/, $_, 3;
    ($kind eq 'submission' ? \%submissions : \%events)->{$key} = $text;
}
ok(keys %submissions > 20, 'submissions were acknowledged (' . scalar(keys %submissions) . ')');
ok(keys %events > 20, 'event writes were acknowledged (' . scalar(keys %events) . ')');
is($kills, $rounds, "nginx was killed $kills times");

# Every acknowledged submission is stored, intact.
my ($rc, $out, $err) = $t->civicctl('submissions', 'note');
is($rc, 0, 'civicctl reads the submissions') or diag($err);
my %stored;
for my $line (split /\n/, $out) {
    my $s = decode_json($line);
    $stored{ $s->{receipt} } = $s->{data}{text};
}
my @lost = grep { !exists $stored{$_} } sort keys %submissions;
my @changed = grep { exists $stored{$_} && $stored{$_} ne $submissions{$_} } sort keys %submissions;
is(scalar @lost, 0, 'no acknowledged submission is lost') or diag("lost: @lost[0 .. ($#lost < 9 ? $#lost : 9)]");
is(scalar @changed, 0, 'every one is intact');
my %receipts;
$receipts{$_}++ for keys %stored;
is(scalar(grep { $receipts{$_} > 1 } keys %receipts), 0, 'no receipt was given twice');

# Every acknowledged event write is stored, intact.
my ($missing, $different) = (0, 0);
for my $id (sort keys %events) {
    my $r = $t->get("/admin/calendars/culture/events/$id");
    if ($r->{status} != 200) { $missing++; diag("missing event $id: $r->{status}") if $missing <= 5; next }
    $different++ if decode_json($r->{content})->{name}{fi} ne $events{$id};
}
is($missing, 0, 'no acknowledged event write is lost');
is($different, 0, 'every event is intact');

# The store is consistent and still takes writes.
my $status = decode_json($t->get('/admin/status')->{content});
ok($status->{calendars}{culture}{events} >= keys %events, 'the event count covers every acknowledged write');
is($t->post('/forms/note', headers => { 'Content-Type' => 'application/json' },
            content => '{"text":"after the crashes"}')->{status}, 201, 'a submission after the crashes is stored');
# Every record and index entry agrees with the others after the kills.
my ($vs, $vout, $verr) = $t->civicctl('verify');
is($vs, 0, 'civicctl verify: the store is consistent') or diag("$vout$verr");
diag(sprintf '%d kills survived; %d submissions and %d event writes acknowledged and checked',
     $kills, scalar keys %submissions, scalar keys %events);

done_testing;
