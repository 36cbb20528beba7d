# Sealed forms (issue 16): a form with `seal FILE` stores only routing
# metadata readable; its answers, files and Idempotency-Keys are sealed for
# a public key whose secret half nginx never sees. Checked as a case worker
# would: the raw store, a compacted backup and every export hold none of
# what was sent; civicctl opens them with the secret key into exactly what
# an unsealed twin of the form gives; a wrong or missing key is a clear
# error; keys rotate; nginx -t refuses every wrong `seal`.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Encode qw(encode_utf8 decode_utf8);
use Civic::Test;
use Civic::Forms qw(multipart token_of png_bytes);

my $json = JSON::PP->new->canonical;
my $keys = tempdir('civic-keys-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $ctl = Civic::Test::civicctl_path();

# --- civicctl keygen
my ($ks, $kout, $kerr) = Civic::Test::run_command([$ctl, 'keygen', $keys]);
is($ks, 0, 'civicctl keygen DIR: exit 0') or diag($kerr);
my ($id) = $kout =~ /^([0-9a-f]{16})$/m;
ok($id, "it prints the key id ($kout)");
ok(-f "$keys/$id.pub" && -f "$keys/$id.secret", 'and writes ID.pub and ID.secret');
is((stat "$keys/$id.secret")[2] & 07777, 0600, 'the secret key file is mode 0600');
is((stat "$keys/$id.pub")[2] & 07777, 0644, 'the public one 0644');
like(Civic::Test::read_file("$keys/$id.pub"), qr/^civic-seal-public-key [A-Za-z0-9+\/]{43}=$/m, 'a one-line public key');
like($kerr, qr/seal \Q$keys\/$id.pub\E;/, 'it says what to write in nginx.conf');
($ks, undef, $kerr) = Civic::Test::run_command([$ctl, 'keygen', "$keys/no/such/dir"]);
isnt($ks, 0, 'keygen into a directory whose parent is missing fails') ;
like($kerr, qr/No such file or directory/, '... saying why');

my $fields = <<'END';
        json_submissions on;
        languages fi en;
        min_fill_time 0;
        retention 30d;
        field name text { required; label en "Name"; }
        field story textarea { label en "Story"; }
        field email email { label en "Email"; }
        field phone tel { label en "Phone"; }
        field site url { label en "Site"; }
        field age number { label en "Age"; }
        field day date { label en "Day"; }
        field topic select { label en "Topic"; option roads en "Roads"; option parks en "Parks"; }
        field size radios { label en "Size"; option s en "Small"; option l en "Large"; }
        field tags checkboxes { label en "Tags"; option a en "A"; option b en "B"; }
        field news checkbox { label en "News"; }
        field ok consent { required; label en "I agree"; }
        field kind hidden { default "web"; }
        field hetu national_id { country FI; label en "HETU"; }
        field liite file { multiple; max_size 64k; accept text/plain image/png; label en "Files"; }
END
sub config {
    my ($pub) = @_;
    return <<"END";
    civic_store %%STORE%% max_size=64m;
    client_max_body_size 1m;
    civic_form tiivis {
        receipt_prefix TII;
        seal $pub;
$fields
    }
    civic_form avoin {
        receipt_prefix AVO;
$fields
    }
    civic_form vaiheet {
        languages en;
        min_fill_time 0;
        receipt_prefix VAI;
        seal $pub;
        save_and_return on;
        step who { title en "Who"; fields name; }
        step what { title en "What"; fields story liite; }
        field name text { required; label en "Name"; }
        field story textarea { required; label en "Story"; }
        field liite file { max_size 64k; accept text/plain; label en "File"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
}
my $t = Civic::Test->new(workers => 2, http => config("$keys/$id.pub"));
$t->start;

# What a citizen sends: every field type, distinctive strings to look for.
my %secret = (
    name => 'Salainen Sirkka Öberg', story => "Tarina joka on yksityinen\nrivi kaksi", email => 'sirkka.salainen@example.fi',
    phone => '+358401234987', site => 'https://salainen.example.fi/sivu', age => '47', day => '2026-11-30',
    hetu => '131052-308T',
);
my $text_file = encode_utf8("YKSITYINEN LIITE sisältää salaisuuksia\n" x 40);
my $png = png_bytes();
my $b = 'civicSealBoundary';
sub send_both {
    my %r;
    for my $form (qw(tiivis avoin)) {
        my $token = token_of($t->get("/forms/$form")->{content});
        my $r = $t->post("/forms/$form", headers => { 'Content-Type' => "multipart/form-data; boundary=$b", Accept => 'application/json' },
                         content => multipart($b, _token => $token, (map { ($_ => $secret{$_}) } sort keys %secret),
                                              topic => 'parks', size => 'l', tags => 'a', tags => 'b', news => 'on', ok => 'on',
                                              liite => { filename => 'salainen-liite.txt', type => 'text/plain', content => $text_file },
                                              liite => { filename => 'kuva-salaa.png', type => 'image/png', content => $png }));
        is($r->{status}, 201, "$form: a multipart submission with two files is accepted") or diag($r->{content});
        $r{$form} = decode_json($r->{content})->{receipt};
    }
    return \%r;
}
my $first = send_both();
like($first->{tiivis}, qr/^TII-/, 'the sealed form gives a receipt as any form does');
my $idem = 'idem-avain-ABCDEF-981';
my $r = $t->post('/forms/tiivis', headers => { 'Content-Type' => 'application/json', 'Idempotency-Key' => $idem },
                 content => encode_json({ name => 'Jsonin Jaana', ok => JSON::PP::true, story => 'json-tarina-xyz' }));
is($r->{status}, 201, 'a JSON submission with an Idempotency-Key') or diag($r->{content});
my $json_receipt = decode_json($r->{content})->{receipt};
$r = $t->post('/forms/tiivis', headers => { 'Content-Type' => 'application/json', 'Idempotency-Key' => $idem },
              content => encode_json({ name => 'Jsonin Jaana', ok => JSON::PP::true, story => 'json-tarina-xyz' }));
is(decode_json($r->{content})->{receipt}, $json_receipt, 'its repeat gets the same receipt (the key kept as a hash)');
# Only the sealed form was sent these: the live store's file, free pages and all.
my $live = Civic::Test::read_file($t->store . '/data.mdb');
is_deeply([grep { index($live, $_) >= 0 } 'Jsonin Jaana', 'json-tarina-xyz', $idem], [],
          'the live store file holds neither the JSON answers nor the Idempotency-Key');

# --- what the admin API shows
my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{tiivis}{sealed_for}, $id, '/admin/status names the key a sealed form seals for');
is($status->{forms}{avoin}{sealed_for}, undef, '... and null for an unsealed form');
my $rec = decode_json($t->get("/admin/forms/tiivis/submissions/$first->{tiivis}")->{content});
is_deeply([sort keys %$rec], [qw(created_time form language receipt sealed seq)], 'a sealed record: metadata and "sealed", no "data"');
is($rec->{sealed}{key_id}, $id, 'it names the key it was sealed for');
my $envelope = decode_base64($rec->{sealed}{data});
is(length($envelope), $rec->{sealed}{size}, 'its size is the envelope\'s');
is(substr($envelope, 0, 5), "CVSL\x01", 'the envelope starts "CVSL" and version 1');
is(unpack('H*', substr($envelope, 5, 8)), $id, '... then the key id');
is_deeply([map { "$_->{field}/$_->{index}" } @{ $rec->{sealed}{files} }], ['liite/0', 'liite/1'], 'the sealed files are listed by field and index');

# (Not the age and the date: too short to be told from other bytes.)
my @needles = ((map { $secret{$_} } qw(name story email phone site hetu)), 'salainen-liite.txt', 'kuva-salaa.png', 'YKSITYINEN LIITE', 'Jsonin Jaana', 'json-tarina-xyz', $idem);
sub leaks {
    my ($bytes) = @_;
    return grep { index($bytes, encode_utf8($_)) >= 0 } @needles;
}
my $list = $t->get('/admin/forms/tiivis/submissions');
is_deeply([leaks($list->{content})], [], 'the admin API\'s list shows none of what was sent');
my $csv = $t->get('/admin/forms/tiivis/submissions.csv');
is($csv->{status}, 200, 'the CSV export');
is_deeply([leaks($csv->{content})], [], '... holds none of it');
my ($head, @rows) = split /\r\n/, decode_utf8($csv->{content});
$head =~ s/^\x{feff}//;
like($head, qr/,liite \(link\),key_id,sealed$/, 'its last columns: the file links, key_id and sealed');
like($rows[0], qr/,\Q$id\E,[A-Za-z0-9+\/]+=*$/, 'a row: the key id and the envelope in base64');
like($rows[0], qr{/submissions/\Q$first->{tiivis}\E/files/liite\?index=0, .*index=1}, 'and links to the sealed files');
my $xml = $t->get('/admin/forms/tiivis/submissions.xml');
like($xml->{content}, qr/<sealed key_id="\Q$id\E" size="\d+">\s*<data>[A-Za-z0-9+\/=]+<\/data>\s*<file field="liite" index="0" size="\d+"\/>/, 'the XML export: <sealed> with the envelope and the files');
is_deeply([leaks($xml->{content})], [], '... and none of what was sent');
my $f = $t->get("/admin/forms/tiivis/submissions/$first->{tiivis}/files/liite?index=0");
is($f->{status}, 200, 'a sealed file downloads');
is($f->{headers}{'content-type'}, 'application/octet-stream', '... as bytes');
like($f->{headers}{'content-disposition'}, qr/filename="\Q$first->{tiivis}\E-liite-0\.sealed"/, '... named RECEIPT-FIELD-INDEX.sealed');
is(substr($f->{content}, 0, 4), 'CVSL', '... an envelope');
is_deeply([leaks($f->{content})], [], '... holding nothing readable');

# --- the raw store holds nothing readable
my $raw = Civic::Test::read_file($t->store . '/data.mdb');
ok(index($raw, 'AVO-') >= 0 && index($raw, encode_utf8($secret{name})) >= 0, 'the check can see text in the store (the unsealed twin)');
# The unsealed twin holds the same strings: erase it to look at the sealed form alone.
is($t->delete("/admin/forms/avoin/submissions/$first->{avoin}")->{status}, 204, 'the unsealed twin\'s submission erased');
my $dir = tempdir('civic-sealbak-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my ($cs, $out, $err) = $t->civicctl('backup', "$dir/copy");
is($cs, 0, 'a compacted backup') or diag($err);
is_deeply([leaks(Civic::Test::read_file("$dir/copy/data.mdb"))], [], 'the backup holds none of what was sent to the sealed form');
($cs, $out, $err) = Civic::Test::run_command([$ctl, '--store', "$dir/copy", 'verify']);
is($cs, 0, 'civicctl verify passes on the sealed records') or diag("$out$err");

# --- civicctl opens them: the same as the unsealed twin
sub data_lines {
    my ($text) = @_;
    return [map { my $d = decode_json($_); $json->encode($d->{data}) } grep { length } split /\n/, $text];
}
my $again = send_both();  # the twin again, to compare with
($cs, $out, $err) = $t->civicctl('submissions', 'tiivis', '--key', "$keys/$id.secret");
is($cs, 0, 'civicctl submissions --key SECRET: exit 0') or diag($err);
my @opened = map { decode_json($_) } grep { length } split /\n/, $out;
is(scalar @opened, 3, 'three submissions');
ok(!exists $opened[0]{sealed} && exists $opened[0]{data}, 'each opened into "data"');
my ($cs2, $twin_out) = $t->civicctl('submissions', 'avoin');
my @twin_data = @{ data_lines($twin_out) };
is($json->encode($opened[0]{data}), $twin_data[-1], 'the opened answers are exactly the unsealed twin\'s (every field type)');
is_deeply([map { $_->{receipt} } @opened], [$first->{tiivis}, $json_receipt, $again->{tiivis}], 'receipts and order as stored');
my $twin_record = decode_json((grep { length } split /\n/, $twin_out)[-1]);
my $sealed_record = $opened[2];
is_deeply([sort keys %$sealed_record], [sort keys %$twin_record], 'the opened record has the unsealed record\'s members');

($cs, $out, $err) = $t->civicctl('submissions', 'tiivis', '--key', $keys, '--csv');
is($cs, 0, 'civicctl submissions --key DIR --csv') or diag($err);
my ($cs3, $twin_csv) = $t->civicctl('submissions', 'avoin', '--csv');
my @mine = split /\r\n/, $out;
my @theirs = split /\r\n/, $twin_csv;
is($mine[0], $theirs[0], 'the CSV header is the unsealed form\'s');
my $strip = sub { my @c = split /,/, $_[0], 4; $c[3] };  # after receipt, seq, created_time
is($strip->($mine[-1]), $strip->($theirs[-1]), 'and a row\'s fields are the same');
($cs, $out, $err) = $t->civicctl('submissions', 'tiivis', '--csv');
isnt($cs, 0, 'civicctl submissions --csv without --key is refused');
like($err, qr/sealed submissions: give --key/, '... saying what to give');

# civicctl open: what the admin API gave
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', "$keys/$id.secret"], input => $t->get("/admin/forms/tiivis/submissions/$again->{tiivis}")->{content});
is($cs, 0, 'civicctl open < one record') or diag($err);
is($json->encode(decode_json($out)->{data}), $twin_data[-1], '... gives the answers');
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => $list->{content});
is($cs, 0, 'civicctl open < a page of the admin API') or diag($err);
my $page = decode_json($out);
is(scalar @{ $page->{data} }, 2, '... opens each record of the page');
ok(exists $page->{next_since}, '... and keeps the page\'s other members');
# ... and the admin API's CSV export: the unsealed twin's CSV, field for field.
my $sealed_csv = $t->get('/admin/forms/tiivis/submissions.csv?delimiter=;&bom=1')->{content};
my $twin_csv_api = $t->get('/admin/forms/avoin/submissions.csv?delimiter=;&bom=1')->{content};
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => $sealed_csv);
is($cs, 0, 'civicctl open < the CSV export (; and a BOM)') or diag($err);
my @open_rows = split /\r\n/, $out;
my @twin_rows = split /\r\n/, $twin_csv_api;
is($open_rows[0], $twin_rows[0], '... has the unsealed form\'s header, BOM and all');
my $after_links = sub { my @c = split /;/, $_[0]; join ";", @c[3 .. 19] };  # created_local, language, the fields (no receipt, no links)
is($after_links->($open_rows[-1]), $after_links->($twin_rows[-1]), '... and the fields of the last row are the twin\'s');
is(scalar(@open_rows), 4, '... a header and the three sealed submissions');
for my $i (0, 1) {
    $f = $t->get("/admin/forms/tiivis/submissions/$first->{tiivis}/files/liite?index=$i");
    ($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => $f->{content});
    is($cs, 0, "civicctl open < sealed file $i") or diag($err);
    ok($out eq ($i == 0 ? $text_file : $png), "... restores it byte for byte");
}

# A wrong key, a damaged envelope.
my ($os, $other) = Civic::Test::run_command([$ctl, 'keygen', "$keys-other"]);
chomp $other;
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', "$keys-other/$other.secret"], input => $f->{content});
isnt($cs, 0, 'opening with another key fails');
like($err, qr/sealed for key \Q$id\E, and the secret keys given are \Q$other\E/, '... naming the key it needs and the one given');
my $damaged = $f->{content};
substr($damaged, 40, 1) = chr(ord(substr($damaged, 40, 1)) ^ 1);
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => $damaged);
isnt($cs, 0, 'a damaged envelope fails');
like($err, qr/does not open with key \Q$id\E: its bytes are damaged/, '... saying so');
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', "$keys/$id.pub"], input => $f->{content});
isnt($cs, 0, 'a public key given as --key fails');
like($err, qr/this is a public key; opening needs the \.secret file/, '... saying which file to give');

# --- key rotation: a new key; old records keep theirs; a key directory opens both
system('cp', "$keys-other/$other.secret", "$keys-other/$other.pub", $keys) == 0 or die;
$t->stop;
$t->set_config(http => config("$keys/$other.pub"));
$t->start;
my $rotated = send_both();
$rec = decode_json($t->get("/admin/forms/tiivis/submissions/$rotated->{tiivis}")->{content});
is($rec->{sealed}{key_id}, $other, 'after the rotation a new record names the new key');
is(decode_json($t->get('/admin/status')->{content})->{forms}{tiivis}{sealed_for}, $other, '... as /admin/status does');
is($t->delete("/admin/forms/tiivis/submissions/$rotated->{tiivis}")->{status}, 204, 'a sealed submission is erased as any other');
is($t->get("/admin/forms/tiivis/submissions/$rotated->{tiivis}/files/liite?index=0")->{status}, 404, '... its sealed files with it');
$rotated = send_both();
($cs, $out, $err) = $t->civicctl('submissions', 'tiivis', '--key', $keys);
is($cs, 0, 'a key directory with both secrets opens old and new records') or diag($err);
is(scalar(grep { length } split /\n/, $out), 4, '... all four');
($cs, $out, $err) = $t->civicctl('submissions', 'tiivis', '--key', "$keys/$id.secret");
isnt($cs, 0, 'the old secret alone does not open the new record');
like($err, qr/sealed for key \Q$other\E/, '... and says which key it needs');

# --- a form in steps: sealed when Send is pressed, the file uploaded on a step too
use Civic::Browser;
my $br = Civic::Browser->new($t);
my $p = $br->get('/forms/vaiheet?lang=en');
$p = $br->submit(fields => [name => 'Vaiheellinen Veikko'], action => 'continue');
$p = $br->submit(fields => [story => 'askelten tarina 555', liite => { filename => 'vaihe.txt', type => 'text/plain', content => "vaiheen liite 777\n" }],
                 action => 'continue');  # the last step's Continue sends (no check_answers)
my ($steps_receipt) = $p->{content} =~ /(VAI-[0-9A-Z-]+)/;
ok($steps_receipt, 'a form in steps with seal: Send gives a receipt') or diag($p->{content});
$rec = decode_json($t->get("/admin/forms/vaiheet/submissions/$steps_receipt")->{content});
is($rec->{sealed}{key_id}, $other, '... its record is sealed');
($cs, $out, $err) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => encode_json($rec));
is_deeply(decode_json($out)->{data}, { name => 'Vaiheellinen Veikko', story => 'askelten tarina 555',
                                       liite => [{ filename => 'vaihe.txt', content_type => 'text/plain', size => 18 }] },
          '... and opens into the answers of every step') or diag($err);
$f = $t->get("/admin/forms/vaiheet/submissions/$steps_receipt/files/liite?index=0");
($cs, $out) = Civic::Test::run_command([$ctl, 'open', '--key', $keys], input => $f->{content});
is($out, "vaiheen liite 777\n", '... the file uploaded on a step too');

# --- nginx -t refuses a wrong seal
my $c = Civic::Test->new(http => '');
sub nginx_t {
    my ($line, @more) = @_;
    $c->set_config(http => <<"END");
    civic_store %%STORE%%;
    civic_form x {
        languages en;
        $line
        field a text { }
        @more
    }
    server { listen %%ADDR%%; location /forms/ { civic_forms; } }
END
    return $c->test_config;
}
my ($rc, $msg) = nginx_t("seal $keys/$id.pub;");
is($rc, 0, 'nginx -t accepts a public key') or diag($msg);
($rc, $msg) = nginx_t("seal $keys/missing.pub;");
isnt($rc, 0, 'a missing key file is refused');
like($msg, qr/civic_form "x": seal: read public key \Q$keys\E\/missing\.pub: No such file or directory \(civicctl keygen DIR writes a key pair/, '... naming the file');
($rc, $msg) = nginx_t("seal $keys/$id.secret;");
isnt($rc, 0, 'a secret key where the public one belongs is refused');
like($msg, qr/this is a SECRET key: give the \.pub file here/, '... saying so');
open my $bad, '>', "$keys/bad.pub" or die;
print $bad "civic-seal-public-key bm90IGEga2V5\n";
close $bad;
($rc, $msg) = nginx_t("seal $keys/bad.pub;");
like($msg, qr/bad\.pub: the key is not 32 bytes of base64/, 'a malformed key is refused');
open $bad, '>', "$keys/junk.pub" or die;
print $bad "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA\n-----END PUBLIC KEY-----\n";
close $bad;
($rc, $msg) = nginx_t("seal $keys/junk.pub;");
like($msg, qr/not a civic key file: expected one line "civic-seal-public-key BASE64"/, 'a PEM file is refused, saying what is expected');
($rc, $msg) = nginx_t("seal $keys/$id.pub;\n seal $keys/$other.pub;");
like($msg, qr/duplicate "seal": a form seals for one public key/, 'two seal lines are refused');
($rc, $msg) = nginx_t("seal;");
like($msg, qr/seal takes the public key's file/, 'seal without a file is refused');
($rc, $msg) = nginx_t("seal $keys/$id.pub;", 'deliver email to=kirjaamo@example.fi content=full;');
like($msg, qr/content=full would send the sealed answers in an e-mail/, 'content=full on a sealed form is refused');

done_testing;
