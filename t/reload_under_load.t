# Reload and binary upgrade under load (issue 7): while clients read feeds
# and send submissions, `nginx -s reload` (HUP) several times and a binary
# upgrade (USR2, WINCH, QUIT) lose no request and no write, and every
# submission is delivered to a webhook receiver (issue 14). nginx runs as a
# daemon here, as a service does: it ignores USR2 while its first parent lives.
# Under Apache: graceful restarts (`apachectl graceful`), no binary upgrade.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use Civic::Test;
use Civic::Load;
use Civic::Receivers;

my $t = Civic::Test->new(workers => 2, daemon => !Civic::Test::apache());
my $secret = $t->prefix . '/hook.whsec';
Civic::Test::run_command([Civic::Test::civicctl_path(), 'webhook-secret', $secret]);
my $receiver = Civic::Receivers->start(kind => 'webhook', args => ['--secret-file', $secret]);
my $hook = $receiver->port;
$t->set_config(http => <<"END");
    civic_store %%STORE%% max_size=256m;
    civic_calendar culture { languages fi; timezone Europe/Helsinki; }
    civic_form note { json_submissions on; languages en; min_fill_time 0; field text textarea { required; }
        deliver webhook http://127.0.0.1:$hook/in secret_file=$secret; }
    server {
        listen %%ADDR%%;
        location /admin/ { civic_admin; }
        location /calendars/ { civic_calendars; }
        location /forms/ { civic_forms; }
    }
END
$t->start;
for my $i (1 .. 50) {
    my $r = $t->put("/admin/calendars/culture/events/e$i", headers => { 'Content-Type' => 'application/json' },
                    content => encode_json({ name => { fi => "Tapahtuma $i" }, start_time => '2026-12-01T10:00:00+02:00' }));
    die "setup: $r->{status}" unless $r->{status} == 201;
}

my $url = $t->url('');
my $load = Civic::Load->start(clients => 6, timeout => 20, body => sub {
    my ($c, $n, $http, $log) = @_;
    if ($c <= 3) {
        my $r = $http->get("$url/calendars/culture.ics");
        my $events = () = ($r->{content} // '') =~ /BEGIN:VEVENT/g;
        print $log "read\t$r->{status}\t$events\n";
    } else {
        my $text = "client $c note $n";
        my $r = $http->request('POST', "$url/forms/note", {
            headers => { 'Content-Type' => 'application/json' }, content => encode_json({ text => $text }) });
        my $receipt = $r->{status} == 201 ? eval { decode_json($r->{content})->{receipt} } // '' : '';
        print $log "write\t$r->{status}\t$receipt\t$text\n";
    }
});

sleep 0.5;
for (1 .. 4) {
    $t->reload;
    sleep 0.3;
}
SKIP: {
    skip "nginx only: a binary upgrade (nginx's USR2)", 1 if Civic::Test::apache();
    ok($t->upgrade_binary, 'a binary upgrade went through');
}
sleep 0.5;
$t->reload;
sleep 0.5;
my ($reads, $writes, @failed, %acked);
for ($load->stop) {
    my @f = split /\t/;
    if ($f[0] eq 'read') {
        $reads++;
        push @failed, "read $f[1]" unless $f[1] == 200 && $f[2] == 50;
    } else {
        $writes++;
        if ($f[1] == 201 && $f[2]) { $acked{ $f[2] } = $f[3] } else { push @failed, "write $f[1]" }
    }
}
ok($reads > 50, "feeds were read during the reloads ($reads)");
ok($writes > 50, "submissions were sent during the reloads ($writes)");
is(scalar @failed, 0, 'no request failed') or diag(join ', ', @failed[0 .. ($#failed < 9 ? $#failed : 9)]);

my ($rc, $out, $err) = $t->civicctl('submissions', 'note');
my %stored = map { my $s = decode_json($_); ($s->{receipt} => $s->{data}{text}) } split /\n/, $out;
is(scalar(grep { ($stored{$_} // '') ne $acked{$_} } keys %acked), 0, 'every acknowledged submission is stored');
is(scalar keys %stored, scalar keys %acked, 'and nothing more');
is($t->get('/admin/status')->{status}, 200, 'the upgraded nginx answers');
sub delivered {
    my %d;
    for my $r ($receiver->requests) {
        my $body = eval { decode_json($r->{body}) } or next;
        $d{ $body->{receipt} } = 1 if $r->{status} == 200 && $r->{verified};
    }
    return %d;
}
ok(Civic::Receivers::wait_until(sub { my %d = delivered(); !grep { !$d{$_} } keys %stored }, 60),
   'every stored submission was delivered, signed, across the reloads and the upgrade');
diag("$reads feed reads and $writes submissions across 5 reloads" . (Civic::Test::apache() ? " (graceful restarts)" : " and a binary upgrade"));

$t->expect_errors(qr/civic: delivery:/);

done_testing;
