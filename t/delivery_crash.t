# Deliveries survive what happens to nginx (issue 14): while 8 clients
# submit and the receiver answers slowly, every nginx process is killed with
# SIGKILL (twice) and started again, and nginx is reloaded once. Afterwards
# every submission a client got a 201 for reaches the receiver at least
# once, and nothing reaches it that the store does not hold.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use Civic::Test;
use Civic::Load;
use Civic::Receivers;

my $clients = 8;
my $t = Civic::Test->new(workers => 2);
my $secret_file = $t->prefix . '/hook.whsec';
{
    open my $fh, '>', $secret_file or die;
    print $fh "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";
    close $fh;
}
# Slow: deliveries are in flight when nginx dies.
my $receiver = Civic::Receivers->start(kind => 'webhook', args => ['--secret-file', $secret_file, '--delay', '0.2']);
my $hook = $receiver->port;
$t->set_config(http => <<"END");
    civic_store %%STORE%% max_size=256m;
    civic_form note {
        json_submissions on;
        languages en;
        min_fill_time 0;
        receipt_prefix N;
        deliver webhook http://127.0.0.1:$hook/in secret_file=$secret_file timeout=5s;
        field text text { required; }
    }
    server {
        listen %%ADDR%% reuseport;
        location /admin/ { civic_admin; }
        location /forms/ { civic_forms; }
    }
END
$t->start;

my $url = $t->url('');
my $load = Civic::Load->start(clients => $clients, body => sub {
    my ($c, $n, $http, $log) = @_;
    my $r = $http->request('POST', "$url/forms/note", {
        headers => { 'Content-Type' => 'application/json' },
        content => encode_json({ text => "client $c note $n" }) });
    if ($r->{status} == 201) {
        print $log eval { decode_json($r->{content})->{receipt} } // 'MALFORMED', "\n";
    }
    sleep($r->{status} == 599 ? 0.02 : 0.05);  # a steady stream, not a flood
});

for my $round (1 .. 2) {
    sleep 1.5;
    $t->crash;
    sleep 0.2;
    $t->start;
}
sleep 1;
$t->reload;
sleep 1;
my %acked = map { $_ => 1 } $load->stop;
ok(keys(%acked) > 100, scalar(keys %acked) . ' submissions acknowledged with 201');
ok(!$acked{MALFORMED}, 'every 201 carried a receipt');

# What the store holds (a submission killed between its commit and its
# answer is stored without its client knowing: it is delivered too).
my %stored;
my $since = 0;
while (1) {
    my $page = decode_json($t->get("/admin/forms/note/submissions?since=$since&limit=1000")->{content});
    last unless @{ $page->{data} };
    $stored{ $_->{receipt} } = 1 for @{ $page->{data} };
    $since = $page->{next_since};
}
is((grep { !$stored{$_} } keys %acked), 0, 'every acknowledged submission is stored');

sub delivered {
    my %d;
    for my $r ($receiver->requests) {
        next unless $r->{status} == 200;
        my $body = eval { decode_json($r->{body}) } or next;
        $d{ $body->{receipt} }++;
        $d{'!unverified'}++ unless $r->{verified};
    }
    return %d;
}
ok(Civic::Receivers::wait_until(sub { my %d = delivered(); !grep { !$d{$_} } keys %stored }, 60),
   'every stored submission reached the receiver');
my %d = delivered();
is((grep { !$d{$_} } keys %acked), 0, 'so every acknowledged one did');
is((grep { !$stored{$_} && $_ ne '!unverified' } keys %d), 0, 'and nothing reached it that the store does not hold');
ok(!$d{'!unverified'}, 'every delivery carried a valid signature');
my $twice = grep { $_ ne '!unverified' && $d{$_} > 1 } keys %d;
diag(scalar(keys %stored) . " stored, " . scalar(keys %acked) . " acknowledged, $twice delivered more than once (at least once: a receiver deduplicates on webhook-id)");
ok(Civic::Receivers::wait_until(sub {
    my $s = decode_json($t->get('/admin/status')->{content})->{forms}{note}{deliveries}[0];
    $s->{pending} == 0;
}, 60), 'nothing is left pending (a killed worker\'s claims wait for their lease to run out)');

$t->expect_errors(qr/civic: delivery:/);
$t->finish;
done_testing;
