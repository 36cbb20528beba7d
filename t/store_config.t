# civic_store at configuration time (issue 12): a store is made only when the
# configuration says so (`create`) or by `civicctl init`; a path with no
# store fails `nginx -t` with the way out; `nginx -t` never writes anything;
# the directory is checked for write access; a store written by a newer civic
# is refused.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use File::Path qw(make_path);
use JSON::PP;
use Civic::Test;

my $t = Civic::Test->new(init_store => 0);
my $prefix = $t->prefix;
# What the messages call the server.

sub config_with_store {
    my ($path, $create) = @_;
    my $flag = $create ? ' create' : '';
    $t->set_config(http => <<"END");
    civic_store $path$flag max_size=16m;
    civic_form f { languages en; retention 30d; field a text { } }
    server { listen %%ADDR%%; location /admin/ { civic_admin; } }
END
}

# A mistyped path: no new, empty store, but a clear error.
config_with_store("$prefix/civc");
my ($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t fails on a path with no store');
like($out, Civic::Test::config_error_re(qr/civic_store "\Q$prefix\E\/civc": there is no store here \(no data.mdb\); make one with "civicctl init \Q$prefix\E\/civc", or add "create" to civic_store for the server to make it/),
     'naming the path and both ways to make one');
ok(!-e "$prefix/civc", 'and nothing was made');

# With `create`, nginx -t checks that it could be made, and makes nothing;
# nginx makes it (parents too) when it starts.
config_with_store("$prefix/deep/er/store", 1);
($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t passes with "create" and a directory that does not exist') or diag($out);
ok(!-e "$prefix/deep", 'nginx -t made nothing');
$t->start;
ok(-f "$prefix/deep/er/store/data.mdb", 'nginx made the store when it started');
my $status = decode_json($t->get('/admin/status')->{content});
like($status->{store}{receipt_tag}, qr/^[0-9A-HJKMNP-TV-Z]{4}$/, 'with a receipt tag drawn from its id');
is($status->{store}{configuration}{file}, $t->conf_file, 'and recorded which configuration it runs');
$t->stop;

# nginx -t never writes into the store: testing another retention and
# putting the file back leaves what the running configuration recorded.
my ($src, $sout) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', "$prefix/deep/er/store", 'stat']);
my $before = decode_json($sout);
$t->set_config(http => <<"END");
    civic_store $prefix/deep/er/store max_size=16m;
    civic_form f { languages en; retention 1m short; field a text { } }
    server { listen %%ADDR%%; location /admin/ { civic_admin; } }
END
($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t of a changed retention passes') or diag($out);
($src, $sout) = Civic::Test::run_command([Civic::Test::civicctl_path(), '--store', "$prefix/deep/er/store", 'stat']);
my $after = decode_json($sout);
is($after->{forms}{f}{retention_seconds}, 30 * 86400, 'civicctl still sees the running retention, not the tested one');
is($after->{store}{last_txn_id}, $before->{store}{last_txn_id}, 'nginx -t wrote no transaction');
is($after->{store}{configuration}{recorded_time}, $before->{store}{configuration}{recorded_time},
   'the recorded configuration is the running one');

# civicctl init makes a store, with a receipt tag of the sysadmin's choice.
my ($irc, $iout, $ierr) = Civic::Test::run_command([Civic::Test::civicctl_path(), 'init', "$prefix/node2",
                                                    '--receipt-tag', 'N2']);
is($irc, 0, 'civicctl init makes a store') or diag($ierr);
is(decode_json($iout)->{receipt_tag}, 'N2', 'with the receipt tag given');
($irc, undef, $ierr) = Civic::Test::run_command([Civic::Test::civicctl_path(), 'init', "$prefix/node2"]);
isnt($irc, 0, 'and refuses to make one where there is one');
like($ierr, qr/there is already a store in \Q$prefix\E\/node2 \(nothing was changed\)/, 'saying so');
($irc, undef, $ierr) = Civic::Test::run_command([Civic::Test::civicctl_path(), 'init', "$prefix/node3",
                                                 '--receipt-tag', 'n-3']);
isnt($irc, 0, 'a receipt tag that is not 1 to 8 of A-Z and 0-9 is refused');
ok(!-e "$prefix/node3/data.mdb", 'and no store is made');
config_with_store("$prefix/node2");
($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t takes a store civicctl made') or diag($out);

# A relative path is taken from nginx's prefix (Apache's ServerRoot, which
# the harness sets to PREFIX/conf, the directory nginx takes other files from).
config_with_store("relative/store", 1);
($rc, $out) = $t->test_config;
is($rc, 0, 'a relative path is accepted') or diag($out);
$t->start;
my $root = Civic::Test::apache() ? "$prefix/conf" : $prefix;
ok(-f "$root/relative/store/data.mdb", 'a relative path lives under the prefix');
$t->stop;

# A file in the way.
open my $fh, '>', "$prefix/afile" or die;
close $fh;
config_with_store("$prefix/afile", 1);
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t fails when the path is a file');
like($out, Civic::Test::config_error_re(qr/civic_store "\Q$prefix\E\/afile": it is not a directory/),
     'one line names the path and the reason');
my ($file, $line) = $t->config_error_at($out);
ok($file && $file eq $t->conf_file && $line, '... with file and line') or diag($out);

config_with_store("$prefix/afile/store", 1);
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t fails when a parent is a file');
like($out, qr/civic_store "\Q$prefix\E\/afile\/store": cannot create the directory: Not a directory/,
     'the message says the directory cannot be created, and why');

# Without root's rights: a directory the user may not write into.
SKIP: {
    skip 'needs root to run nginx -t as another user', 9 unless $> == 0;
    make_path("$prefix/rootonly/existing", { mode => 0755 });
    chmod 0755, "$prefix/rootonly", "$prefix/rootonly/existing";

    config_with_store("$prefix/rootonly/existing", 1);
    ($rc, $out) = $t->test_config(as_user => 'nobody');
    isnt($rc, 0, 'nginx -t (as nobody) fails on a directory nobody cannot write');
    like($out, qr/civic_store "\Q$prefix\E\/rootonly\/existing": the directory is not writable: Permission denied/,
         'the message says it is not writable');

    config_with_store("$prefix/rootonly/new", 1);
    ($rc, $out) = $t->test_config(as_user => 'nobody');
    isnt($rc, 0, 'nginx -t (as nobody) fails when the directory cannot be created');
    like($out, qr/civic_store "\Q$prefix\E\/rootonly\/new": cannot create the directory: Permission denied/,
         'the message says it cannot be created');
    ok(!-e "$prefix/rootonly/new", 'nothing was created');

    # As root, the store is handed to the user the workers run as.
    config_with_store("$prefix/forworkers", 1);
    $t->start;
    $t->stop;
    my @st = stat("$prefix/forworkers/data.mdb");
    is($st[4], scalar getpwnam('nobody'), 'the store files belong to the workers\' user');

    # A store the workers' user cannot reach (under a directory of mode 0700,
    # as mktemp -d makes): the workers name the permission and the user, not
    # a missing store.
    make_path("$prefix/private");
    chmod 0700, "$prefix/private";
    config_with_store("$prefix/private/store", 1);
    $t->expect_errors(qr/civic_store "\Q$prefix\E\/private\/store": open store \S+: Permission denied/);
    $t->start;
    is($t->get('/admin/status')->{status}, 503, 'a worker without its store answers 503');
    $t->stop;
    like($t->error_log, qr/${\ Civic::Test::log_level('emerg')}.*open store \Q$prefix\E\/private\/store: Permission denied: user nobody \(uid \d+\) may not open it: the store's directory, every directory above it and its files must let nginx's worker user in/,
         'the log says the workers\' user may not open the store');
    unlike($t->error_log, qr/private\/store.*there is no store here/, 'and does not call it missing');
}

# A store with a newer schema version is refused, and left as it was.
Civic::Test::run_command([Civic::Test::civicctl_path(), 'init', "$prefix/future"]);
config_with_store("$prefix/future");
($rc, $out) = $t->test_config;
is($rc, 0, 'a fresh store is accepted') or diag($out);
my $load = "VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n"
         . ' ' . unpack('H*', 'schema_version') . "\n"
         . " 00000063\nDATA=END\n";
my ($lrc, undef, $lerr) = Civic::Test::run_command(
    ['mdb_load', '-s', 'meta', '-f', '/dev/stdin', "$prefix/future"], input => $load);
is($lrc, 0, 'schema version 99 written with mdb_load') or diag($lerr);
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t refuses a store with a newer schema');
like($out, qr/civic_store "\Q$prefix\E\/future": open store \S+: it was written by a newer civic \(schema version 99, this civic knows up to 3\); upgrade civic or use another store/,
     'the message says the store is newer and what to do');
my ($drc, $dump) = Civic::Test::run_command(['mdb_dump', '-s', 'meta', '-p', "$prefix/future"]);
like($dump, qr/^ schema_version\n \\00\\00\\00c$/m, 'the newer store was not touched');

# A corrupted store file gives a clear error, not a crash.
config_with_store("$prefix/broken");
make_path("$prefix/broken");
open $fh, '>', "$prefix/broken/data.mdb" or die;
print $fh "this is not an LMDB file\n" x 1000;
close $fh;
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t refuses a corrupted store');
like($out, qr/civic_store "\Q$prefix\E\/broken": open store \S+: MDB_INVALID/, 'and says it is not a valid store');

done_testing;
