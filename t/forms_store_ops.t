# Looking after the store: retention purge on nginx's own timer, /admin/status
# per form, civicctl purge --dry-run, erasure that leaves nothing in a
# compacted backup, a backup restored and served by a second nginx, and
# civicctl's clear errors (wrong path, non-empty DEST, newer schema).
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(token_of);

my $forms = <<'END';
    civic_form lyhyt { json_submissions on;
        languages en;
        min_fill_time 0;
        retention 3s short;
        receipt_prefix LYH;
        field text textarea { required; max_length 2000; }
    }
    civic_form pitka { json_submissions on;
        languages en;
        min_fill_time 0;
        retention 30d;
        receipt_prefix PIT;
        field text textarea { required; max_length 2000; }
        field liite file { max_size 64k; accept text/plain; }
    }
END
my $server = <<'END';
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
my $t = Civic::Test->new(workers => 2, http => "    civic_store %%STORE%% max_size=64m;\n    client_max_body_size 128k;\n$forms$server");
$t->start;

sub submit {
    my ($form, $text) = @_;
    my $r = $t->post("/forms/$form", headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({ text => $text }));
    die "submit: $r->{status} $r->{content}\n" unless $r->{status} == 201;
    return decode_json($r->{content})->{receipt};
}

sub status { decode_json($t->get('/admin/status')->{content}) }

# --- retention: purged by nginx's timer, nobody runs anything
my @short = map { submit('lyhyt', "lyhyt $_") } 1 .. 5;
my $keep = submit('pitka', 'pysyy');
my $s = status();
is($s->{forms}{lyhyt}{submissions}, 5, '/admin/status: five submissions of the short form');
is($s->{forms}{lyhyt}{retention_seconds}, 3, 'its retention');
like($s->{forms}{lyhyt}{oldest_age_seconds} // 'none', qr/^\d+$/, 'the oldest one\'s age, in whole seconds');
cmp_ok($s->{forms}{lyhyt}{oldest_age_seconds} // -1, '<', 60, '... a submission of a moment ago');
like($s->{forms}{lyhyt}{oldest_created_time}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'and when it came');
my ($cs, $out) = $t->civicctl('purge', '--dry-run');
is($cs, 0, 'civicctl purge --dry-run: exit 0');
like($out, qr/^pitka: 0 would be removed/m, 'nothing of the 30-day form would go');
# Wait (at most a minute) for the timer to purge them.
my $deadline = time + 60;
while (time < $deadline) {
    $s = status();
    last if $s->{forms}{lyhyt}{submissions} == 0;
    select(undef, undef, undef, 0.5);
}
is($s->{forms}{lyhyt}{submissions}, 0, 'the short form\'s submissions are purged on the timer');
is($s->{forms}{lyhyt}{oldest_age_seconds}, undef, 'no oldest one left');
ok($s->{forms}{lyhyt}{last_purge}, 'the last purge is reported');
is($s->{forms}{lyhyt}{last_purge}{removed_total}, 5, 'with the five it removed');
is($t->get("/admin/forms/lyhyt/submissions/$short[0]")->{status}, 404, 'a purged submission is gone from the API');
($cs, $out) = $t->civicctl('submissions', 'lyhyt');
is($out, '', 'and from civicctl');
is($s->{forms}{pitka}{submissions}, 1, 'the 30-day form keeps its submission');
# One purge, or two when the submissions' ages straddled a run.
my $logged = 0;
my $log_text = $t->error_log;
$logged += $1 while $log_text =~ /retention purge removed (\d+) submissions/g;
is($logged, 5, 'the purge is logged');

# --- erasure, and a compacted backup without it
my $secret = 'SALAISUUS-' . join('', map { chr(65 + int rand 26) } 1 .. 24);
my $boundary = 'opsBoundary';
my $token = token_of($t->get('/forms/pitka')->{content});
my $body = "--$boundary\r\nContent-Disposition: form-data; name=\"_token\"\r\n\r\n$token\r\n"
    . "--$boundary\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n$secret in the text\r\n"
    . "--$boundary\r\nContent-Disposition: form-data; name=\"liite\"; filename=\"secret.txt\"\r\n"
    . "Content-Type: text/plain\r\n\r\n" . ("$secret in the file\n" x 50) . "\r\n--$boundary--\r\n";
my $r = $t->post('/forms/pitka', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                           Accept => 'application/json' }, content => $body);
is($r->{status}, 201, 'a submission with a secret in its text and its file') or diag($r->{content});
my $victim = decode_json($r->{content})->{receipt};
is($t->get("/admin/forms/pitka/submissions/$victim/files/liite")->{status}, 200, 'its file is there');
is($t->delete("/admin/forms/pitka/submissions/$victim")->{status}, 204, 'erased');
my $after = submit('pitka', 'jälkeen');

my $dir = tempdir('civic-backup-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;  # the second nginx's workers (nobody) reach the copy through it
my $dest = "$dir/copy";
($cs, $out, my $err) = $t->civicctl('backup', $dest);
is($cs, 0, 'civicctl backup while nginx runs: exit 0') or diag($err);
like($out, qr/compacted/, 'says it is compacted');
ok(-s "$dest/data.mdb", 'the copy has a data.mdb');
my $bytes = Civic::Test::read_file("$dest/data.mdb");
ok(index($bytes, 'pysyy') >= 0, 'the copy holds the live submissions (the check can see text)');
is(index($bytes, $secret), -1, 'and not one byte run of the erased submission\'s text or file');
my @leftover = glob("$dir/.*copy*");
is(scalar @leftover, 0, 'no temporary directory left behind');

($cs, undef, $err) = $t->civicctl('backup', $dest);
isnt($cs, 0, 'a backup into a DEST that is not empty is refused');
like($err, qr/not empty|exists/, 'saying so');
($cs, undef, $err) = $t->civicctl('backup', "$dir/no/such/parent/x");
isnt($cs, 0, 'a backup whose parent does not exist is refused');
like($err, qr/does not exist/, 'saying so');

# A full disk: a tmpfs of 8 KiB (mounting needs root, as the tests run here).
# It is unmounted on every way out of the test, a die included (END).
my $small = "$dir/small";
mkdir $small;
my $mounted = 0;
END { local $?; Civic::Test::run_command(['umount', $small]) if $mounted }
SKIP: {
    my ($ms, undef, $merr) = Civic::Test::run_command(['mount', '-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', $small]);
    skip "cannot mount a small tmpfs: $merr", 4 if $ms != 0;
    $mounted = 1;
    ($cs, undef, $err) = $t->civicctl('backup', "$small/copy");
    isnt($cs, 0, 'a backup onto a full disk fails');
    like($err, qr/no space left for the copy/, 'saying there is no space left');
    opendir(my $dh, $small) or die "$small: $!";
    my @left = grep { !/^\.\.?$/ } readdir $dh;
    closedir $dh;  # an open directory keeps the mount busy
    is_deeply(\@left, [], 'and leaves nothing there, no half copy');
    my ($us, undef, $uerr) = Civic::Test::run_command(['umount', $small]);
    is($us, 0, 'the small tmpfs is unmounted again') or diag($uerr);
    $mounted = 0 if $us == 0;
}

# --- the backup restored and served by a second nginx
my $second = Civic::Test->new(workers => 1,
    http => "    civic_store $dest max_size=64m;\n    client_max_body_size 128k;\n$forms$server");
$second->start;
$r = $second->get("/admin/forms/pitka/submissions/$keep");
is($r->{status}, 200, 'the second nginx serves a submission from the restored copy');
is(decode_json($r->{content})->{data}{text}, 'pysyy', 'as it was');
is($second->get("/admin/forms/pitka/submissions/$after")->{status}, 200, 'also the one after the erasure');
is($second->get("/admin/forms/pitka/submissions/$victim")->{status}, 404, 'and not the erased one');
$r = $second->post('/forms/pitka', headers => { 'Content-Type' => 'application/json' },
                   content => encode_json({ text => 'restored' }));
is($r->{status}, 201, 'it takes new submissions');
my $seq = decode_json($second->get('/admin/forms/pitka/submissions/' . decode_json($r->{content})->{receipt})->{content})->{seq};
is($seq, 4, 'numbered after the last one of the original (receipts never reused)');
my ($vs, $vout) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $dest, 'verify']);
is($vs, 0, 'civicctl verify on the restored copy: exit 0') or diag($vout);
$second->stop;

# --- civicctl's errors
($cs, undef, $err) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', "$dir/nowhere", 'stat']);
isnt($cs, 0, 'a wrong store path: non-zero exit');
like($err, qr/no such directory/, 'saying so, without making a store there');
ok(!-e "$dir/nowhere", 'nothing created');
($cs, undef, $err) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $dir, 'stat']);
like($err, qr/no civic store there/, 'a directory without a store: said so');

# A store written by a newer civic (its schema_version raised with lmdb-utils).
my $newer = "$dir/newer";
($cs, undef, $err) = $t->civicctl('backup', $newer);
is($cs, 0, 'another copy');
# In hex (not -p): mdb_dump -p writes a 0x5c byte of the random secrets
# unescaped, which mdb_load then misreads (about one store in 70).
my ($ds, $dump) = Civic::Test::run_command(['mdb_dump', '-s', 'meta', $newer]);
is($ds, 0, 'mdb_dump reads it');
my $key = unpack('H*', 'schema_version');
$dump =~ s/^( $key\n )00000003$/${1}00000009/m or fail('schema_version in the dump');
my ($ls, undef, $lerr) = Civic::Test::run_command(['mdb_load', '-s', 'meta', $newer], input => $dump);
is($ls, 0, 'mdb_load writes the newer version') or diag($lerr);
($cs, undef, $err) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', $newer, 'verify']);
isnt($cs, 0, 'civicctl on a store of a newer schema: non-zero exit');
like($err, qr/newer civic/, 'saying a newer civic wrote it');

($cs, $out) = $t->civicctl('verify');
is($cs, 0, 'civicctl verify on the live store after purge and erasure: exit 0') or diag($out);

done_testing();
