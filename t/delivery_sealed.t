# Deliveries of a sealed form (issue 16): the webhook carries "sealed" in
# place of "data" and the files' contents, and the receiver documented in
# docs/delivery.md (t/tools/sealed_receiver.py, python3-nacl) opens it with
# the case system's own key; the case worker's e-mail says only that a
# submission came; the citizen's confirmation reaches the address they gave
# (kept beside the sealed answers until it is sent) and echoes nothing.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Encode qw(encode_utf8);
use File::Temp qw(tempdir);
use Civic::Test;
use Civic::Receivers;
use Civic::Forms qw(multipart token_of png_bytes);

my $t = Civic::Test->new(init_store => 1, workers => 2);
my $prefix = $t->prefix;
my $ctl = Civic::Test::civicctl_path();
my $keys = tempdir('civic-keys-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my ($ks, $id) = Civic::Test::run_command([$ctl, 'keygen', $keys]);
chomp $id;
my $secret_file = "$prefix/hook.whsec";
{
    open my $fh, '>', $secret_file or die;
    print $fh "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";
    close $fh;
    chmod 0600, $secret_file;
}
my $receiver = Civic::Receivers->start(kind => 'webhook', args => ['--secret-file', $secret_file]);
my $sink = Civic::Receivers->start(kind => 'smtp');
my ($hook_port, $smtp_port) = ($receiver->port, $sink->port);
$t->set_config(http => <<"END");
    civic_store %%STORE%%;
    civic_smtp smtp://127.0.0.1:$smtp_port from=noreply\@example.fi starttls=off;
    civic_form salainen {
        languages fi en;
        title fi "Salainen"; title en "Sealed";
        json_submissions on;
        min_fill_time 0;
        seal $keys/$id.pub;
        deliver webhook http://127.0.0.1:$hook_port/in secret_file=$secret_file files=inline timeout=3s retry_for=1h;
        deliver email to=kirjaamo\@example.fi;
        confirm_email field=email;
        field name text { required; }
        field email email { }
        field hetu national_id { country FI; }
        field liite file { accept image/png; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $png = png_bytes();
my $b = 'civicSealedHook';
my $token = token_of($t->get('/forms/salainen')->{content});
my $r = $t->post('/forms/salainen', headers => { 'Content-Type' => "multipart/form-data; boundary=$b", Accept => 'application/json' },
                 content => multipart($b, _token => $token, name => 'Hemligt Namn Åström', email => 'citizen.sealed@example.fi',
                                      hetu => '131052-308T', liite => { filename => 'salainen-kuva.png', type => 'image/png', content => $png }));
is($r->{status}, 201, 'a sealed submission with a file') or diag($r->{content});
my $receipt = decode_json($r->{content})->{receipt};

ok(Civic::Receivers::wait_until(sub { grep { $_->{status} == 200 && index($_->{body}, $receipt) >= 0 } $receiver->requests }),
   'the webhook reached the receiver');
my ($req) = grep { $_->{status} == 200 && index($_->{body}, $receipt) >= 0 } $receiver->requests;
ok($req->{verified}, 'signed as any webhook');
my $body = decode_json($req->{body});
ok(!exists $body->{data} && !exists $body->{files}, 'no "data" and no "files" in a sealed payload');
is($body->{sealed}{key_id}, $id, '"sealed" names the key');
is($body->{receipt}, $receipt, 'the receipt and the other metadata as usual');
is(scalar @{ $body->{sealed}{files} }, 1, 'the sealed file is listed');
is(substr(decode_base64($body->{sealed}{files}[0]{content_base64}), 0, 4), 'CVSL', '... its content an envelope (files=inline)');
for my $needle ('Hemligt', 'citizen.sealed', '131052-308T', 'salainen-kuva') {
    is(index($req->{body}, $needle), -1, "the payload does not hold \"$needle\"");
}

# The documented receiver opens it with the secret key.
my ($rc, $out, $err) = Civic::Test::run_command(['/usr/bin/python3', "$Civic::Test::ROOT/t/tools/sealed_receiver.py", "$keys/$id.secret"],
                                                input => $req->{body});
is($rc, 0, 't/tools/sealed_receiver.py (docs/delivery.md) runs') or diag($err);
my ($answers, @files) = split /\n/, $out;
my $data = JSON::PP->new->utf8->decode($answers);
is($data->{name}, 'Hemligt Namn Åström', '... and opens the answers');
is($data->{hetu}, '131052-308T', '... every one of them');
is($data->{liite}[0]{filename}, 'salainen-kuva.png', '... with the file\'s name');
is(scalar @files, 1, '... and the file sent inline');
my $file = decode_json($files[0] // '{}');
is($file->{field}, 'liite', '... of its field');
ok(decode_base64($file->{content_base64} // '') eq $png, '... opened byte for byte');

# The e-mails: a summary to the case worker, the confirmation to the citizen.
ok(Civic::Receivers::wait_until(sub { scalar($sink->mails) >= 2 }, 30), 'two e-mails were sent') or diag(scalar($sink->mails));
my @mails = $sink->mails;
my ($confirmation) = grep { grep { $_ eq 'citizen.sealed@example.fi' } @{ $_->{envelope}{rcpt_tos} } } @mails;
ok($confirmation, 'the confirmation went to the address the citizen gave');
for my $m (@mails) {
    my $raw = Civic::Test::read_file($m->{path});
    for my $needle ('Hemligt', '131052-308T', 'salainen-kuva') {
        is(index($raw, $needle), -1, "an e-mail to @{ $m->{envelope}{rcpt_tos} } does not hold \"$needle\"");
    }
}
ok(Civic::Receivers::wait_until(sub {
    my $s = decode_json($t->get('/admin/status')->{content});
    3 == grep { $_->{delivered} == 1 } @{ $s->{forms}{salainen}{deliveries} } }), 'all three deliveries are recorded as delivered');
my $dir = tempdir('civic-sealbak-XXXXXX', TMPDIR => 1, CLEANUP => 1);
($rc, undef, $err) = $t->civicctl('backup', "$dir/copy");
is($rc, 0, 'a compacted backup') or diag($err);
is(index(Civic::Test::read_file("$dir/copy/data.mdb"), 'citizen.sealed@example.fi'), -1,
   'once the confirmation is sent, the store keeps no readable address');

done_testing;
