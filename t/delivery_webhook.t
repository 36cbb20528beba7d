# Delivery of submissions by webhook (issue 14): every stored submission
# reaches the receiver, signed as Standard Webhooks says (checked by the
# receiver on its own, with Python's hmac), retried while the receiver is
# down or answers 503, failed at once on 400 and shown so, put back by hand,
# and dropped with an erased submission.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Receivers;
use Civic::Forms;

my $t = Civic::Test->new(init_store => 1, workers => 2);
my $prefix = $t->prefix;
my $secret_file = "$prefix/feedback.whsec";
{
    open my $fh, '>', $secret_file or die;
    print $fh "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";  # 24 bytes, as the Standard Webhooks example
    close $fh;
    chmod 0600, $secret_file;  # read by the master, not by the workers
}
my $receiver = Civic::Receivers->start(kind => 'webhook', args => ['--secret-file', $secret_file]);
my $hook_port = $receiver->port;

sub config {
    my ($url, $secret) = @_;
    $t->set_config(http => <<"END");
    civic_store %%STORE%%;
    civic_form feedback {
        languages fi en;
        title fi "Palaute"; title en "Feedback";
        json_submissions on;
        min_fill_time 0;
        deliver webhook $url secret_file=$secret timeout=3s retry_for=1h;
        field name text { required; }
        field photo file { accept image/png; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
}
config("http://127.0.0.1:$hook_port/in", $secret_file);

# nginx -t refuses what cannot work.
{
    config("http://127.0.0.1:$hook_port/in", "$prefix/missing.whsec");
    my ($rc, $out) = $t->test_config;
    isnt($rc, 0, 'nginx -t refuses a secret file that cannot be read');
    like($out, qr/civic_form "feedback": deliver webhook \S+: secret_file \S+missing\.whsec: .*No such file/, 'naming it');
    open my $fh, '>', "$prefix/bad.whsec" or die;
    print $fh "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";
    close $fh;
    config("http://127.0.0.1:$hook_port/in", "$prefix/bad.whsec");
    ($rc, $out) = $t->test_config;
    like($out, qr/secret_file \S+bad\.whsec: .*whsec_/, 'and one that does not hold a whsec_ key');
    config("http://cases.example.fi/in", $secret_file);
    ($rc, $out) = $t->test_config;
    like($out, qr/is plain http: submissions would cross the network unencrypted/, 'and plain http to another machine');
    config("http://127.0.0.1:$hook_port/in", $secret_file);
    ($rc, $out) = $t->test_config;
    is($rc, 0, 'and passes the real configuration') or diag($out);
}

$t->start;

sub submit {
    my ($name) = @_;
    my $r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({ name => $name }));
    return $r->{status} == 201 ? decode_json($r->{content})->{receipt} : "status $r->{status}";
}

sub delivered_to_receiver {
    my ($receipt) = @_;
    return grep { $_->{status} == 200 && index($_->{body}, "\"receipt\":\"$receipt\"") >= 0 } $receiver->requests;
}

sub status_of_deliveries {
    my $s = decode_json($t->get('/admin/status')->{content});
    return $s->{forms}{feedback}{deliveries}[0];
}

# Three submissions, each delivered once, signed.
my @receipts = map { submit("Asukas $_") } 1 .. 3;
like($_, qr/^FEEDBACK-\d{4}-[0-9A-Z]{4}-\d{6}$/, "submission stored: $_") for @receipts;
ok(Civic::Receivers::wait_until(sub { 3 == grep { delivered_to_receiver($_) } @receipts }),
   'every submission reached the receiver');
for my $receipt (@receipts) {
    my ($req) = delivered_to_receiver($receipt);
    ok($req->{verified}, "$receipt: the receiver verified its webhook-signature");
    like($req->{headers}{'webhook-id'}, qr/^\Q$receipt\E\.[0-9a-f]{8}$/, "$receipt: webhook-id names it");
    like($req->{headers}{'webhook-timestamp'}, qr/^\d{10}$/, "$receipt: webhook-timestamp in seconds");
    is($req->{headers}{'content-type'}, 'application/json', "$receipt: as JSON");
    my $body = decode_json($req->{body});
    is($body->{type}, 'submission.created', "$receipt: type");
    is($body->{form}, 'feedback', "$receipt: form");
    like($body->{data}{name}, qr/^Asukas \d$/, "$receipt: the answers as stored");
    is_deeply($body->{files}, [], "$receipt: no files");
    is($body->{language}, 'fi', "$receipt: language");
}
ok(Civic::Receivers::wait_until(sub { (status_of_deliveries()->{delivered} // 0) == 3 }), 'and recorded as delivered');
my $s = status_of_deliveries();
is($s->{target}, "webhook http://127.0.0.1:$hook_port/in", 'status names the target');
is($s->{delivered}, 3, 'status: 3 delivered');
# /admin/metrics (issue 19): the deliveries and their latency.
my $metrics = $t->get('/admin/metrics')->{content};
like($metrics, qr/^civic_deliveries\{form="feedback",target="\d+",state="delivered"\} 3$/m, 'metrics: 3 delivered');
like($metrics, qr/^civic_delivery_latency_seconds_count 3$/m, 'and the latency of each');
is($s->{pending}, 0, 'status: none pending');
like($t->error_log, qr/${\ Civic::Test::log_level('info')}.*civic: delivery: feedback \Q$receipts[0]\E webhook \S+: delivered/,
     'each attempt is logged at info with form, receipt, target and result');
unlike($t->error_log, qr/Asukas/, 'and no answer is logged');

# A file travels as its name, type, size and SHA-256 (files=none).
{
    my $png = Civic::Forms::png_bytes();
    my $boundary = 'xYzZY';
    my $token = Civic::Forms::token_of($t->get('/forms/feedback')->{content});
    my $body = "--$boundary\r\nContent-Disposition: form-data; name=\"_token\"\r\n\r\n$token\r\n"
             . "--$boundary\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nKuva\r\n"
             . "--$boundary\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"pic.png\"\r\n"
             . "Content-Type: image/png\r\n\r\n$png\r\n--$boundary--\r\n";
    my $r = $t->post('/forms/feedback', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                                   'Accept' => 'application/json' }, content => $body);
    is($r->{status}, 201, 'a submission with a file') or diag($r->{content});
    my $receipt = eval { decode_json($r->{content})->{receipt} } // '';
    ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($receipt) }), 'delivered');
    my ($req) = delivered_to_receiver($receipt);
    my $files = $req ? decode_json($req->{body})->{files} : [];
    is(scalar @$files, 1, 'with one file');
    is($files->[0]{name}, 'pic.png', 'its name');
    is($files->[0]{size}, length $png, 'its size');
    require Digest::SHA;
    is($files->[0]{sha256}, Digest::SHA::sha256_hex($png), 'its SHA-256');
    ok(!exists $files->[0]{content_base64}, 'not its content (files=none)');
}

# 503: tried again with the same webhook-id, then delivered.
$receiver->answer("status=503");
my $r503 = submit('Kolmas');
ok(Civic::Receivers::wait_until(sub { grep { $_->{status} == 503 && index($_->{body}, $r503) >= 0 } $receiver->requests }),
   'a 503 was answered');
$receiver->answer("status=200");
ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($r503) }, 20), 'then it was delivered');
my @tries = grep { index($_->{body}, "\"receipt\":\"$r503\"") >= 0 } $receiver->requests;
ok(@tries >= 2, 'after at least two tries');
is(scalar(keys %{ { map { $_->{headers}{'webhook-id'} => 1 } @tries } }), 1, 'all with the same webhook-id');

# The receiver down for a while: pending, with the error shown; then delivered.
$receiver->stop;
my $down = submit('Katkos');
ok(Civic::Receivers::wait_until(sub { my $d = status_of_deliveries(); $d->{last_error} && $d->{pending} >= 1 }),
   'while the receiver is down the delivery is pending');
like(status_of_deliveries()->{last_error}{text}, qr/connect|refused/i, 'and status says why');
my $listed = decode_json($t->get('/admin/forms/feedback/deliveries?state=pending')->{content});
ok((grep { $_->{receipt} eq $down } @{ $listed->{data} }), 'the deliveries list shows it pending');
$receiver->restart;
ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($down) }, 30), 'delivered once the receiver is back');

# 400: failed at once, shown, and put back by hand.
$receiver->answer("status=400");
my $bad = submit('Virhe');
ok(Civic::Receivers::wait_until(sub { (status_of_deliveries()->{failed} // 0) >= 1 }), 'a 400 fails the delivery');
my @bad_tries = grep { index($_->{body}, $bad) >= 0 } $receiver->requests;
is(scalar @bad_tries, 1, 'at once, after one try');
my $failed = decode_json($t->get('/admin/forms/feedback/deliveries?state=failed')->{content})->{data};
is(scalar @$failed, 1, 'the failed list has it');
is($failed->[0]{receipt}, $bad, 'by receipt');
like($failed->[0]{last_error}, qr/HTTP 400/, 'with the error');
my ($crc, $cout) = $t->civicctl('deliveries', 'feedback', '--state', 'failed');
is($crc, 0, 'civicctl deliveries runs');
is(eval { decode_json($cout)->{data}[0]{id} } // '', $failed->[0]{id}, 'and lists the same failed delivery');
$receiver->answer("status=200");
my $retry = $t->post("/admin/forms/feedback/deliveries/$failed->[0]{id}/retry");
is($retry->{status}, 200, 'POST .../retry puts it back');
ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($bad) }), 'and it is delivered');
is($t->post("/admin/forms/feedback/deliveries/$failed->[0]{id}/retry")->{status}, 404,
   'a delivery that is done is no longer there');
is(status_of_deliveries()->{failed}, 0, 'status: none failed');

# civicctl retry does the same as the API.
$receiver->answer("status=400");
my $bad2 = submit('Virhe 2');
ok(Civic::Receivers::wait_until(sub { (status_of_deliveries()->{failed} // 0) >= 1 }), 'another delivery failed');
my ($id2) = map { $_->{id} } @{ decode_json($t->get('/admin/forms/feedback/deliveries?state=failed')->{content})->{data} };
$receiver->answer("status=200");
($crc, $cout) = $t->civicctl('retry', 'feedback', $id2);
is($crc, 0, 'civicctl retry puts it back') or diag($cout);
ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($bad2) }), 'and it is delivered');
($crc) = $t->civicctl('retry', 'feedback', $id2);
isnt($crc, 0, 'civicctl retry of a delivery that is done fails');

# Erasure drops a pending delivery.
$receiver->stop;
my $erased = submit('Poistettava');
ok(Civic::Receivers::wait_until(sub { status_of_deliveries()->{pending} >= 1 }), 'pending while the receiver is down');
is($t->delete("/admin/forms/feedback/submissions/$erased")->{status}, 204, 'the submission is erased');
is(status_of_deliveries()->{pending}, 0, 'and its delivery with it');
$receiver->restart;
my $after = submit('Viimeinen');
ok(Civic::Receivers::wait_until(sub { delivered_to_receiver($after) }, 30), 'the next submission is delivered');
ok(!(grep { index($_->{body}, $erased) >= 0 } $receiver->requests), 'the erased one never is');

unlike($t->error_log, qr/refused by the test receiver/, "the log keeps a receiver's answer out (it may echo personal data)");
like($t->error_log, qr/civic: delivery: feedback \S+ webhook \S+: failed \(HTTP 400\)/, 'and says its status');

$t->expect_errors(qr/civic: delivery:/);
$t->finish;
done_testing;
