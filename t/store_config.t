# civic_store at configuration time: the directory is made if missing and
# checked for write access; a store written by a newer civic is refused.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use File::Path qw(make_path);
use Civic::Test;

my $t = Civic::Test->new;
my $prefix = $t->prefix;

sub config_with_store {
    my ($path) = @_;
    $t->set_config(http => <<"END");
    civic_store $path max_size=16m;
    server { listen %%ADDR%%; location /admin/ { civic_admin; } }
END
}

# Missing directories, parents included, are created.
config_with_store("$prefix/deep/er/store");
my ($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t passes with a store directory that did not exist') or diag($out);
ok(-d "$prefix/deep/er/store", 'the directory and its parents were created');
ok(-f "$prefix/deep/er/store/data.mdb", 'the store was initialized');

# A relative path is taken from nginx's prefix.
config_with_store("relative/store");
($rc, $out) = $t->test_config;
is($rc, 0, 'a relative path is accepted') or diag($out);
ok(-d "$prefix/relative/store", 'a relative path lives under the prefix');

# A file in the way.
open my $fh, '>', "$prefix/afile" or die;
close $fh;
config_with_store("$prefix/afile");
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t fails when the path is a file');
like($out, qr/\[emerg\] \d+#\d+: civic_store "\Q$prefix\E\/afile": it is not a directory in \S+nginx\.conf:\d+/,
     'one line names the path and the reason, with file and line');

config_with_store("$prefix/afile/store");
($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t fails when a parent is a file');
like($out, qr/civic_store "\Q$prefix\E\/afile\/store": cannot create the directory: Not a directory/,
     'the message says the directory cannot be created, and why');

# Without root's rights: a directory the user may not write into.
SKIP: {
    skip 'needs root to run nginx -t as another user', 6 unless $> == 0;
    make_path("$prefix/rootonly/existing", { mode => 0755 });
    chmod 0755, "$prefix/rootonly", "$prefix/rootonly/existing";

    config_with_store("$prefix/rootonly/existing");
    ($rc, $out) = $t->test_config(as_user => 'nobody');
    isnt($rc, 0, 'nginx -t (as nobody) fails on a directory nobody cannot write');
    like($out, qr/civic_store "\Q$prefix\E\/rootonly\/existing": the directory is not writable: Permission denied/,
         'the message says it is not writable');

    config_with_store("$prefix/rootonly/new");
    ($rc, $out) = $t->test_config(as_user => 'nobody');
    isnt($rc, 0, 'nginx -t (as nobody) fails when the directory cannot be created');
    like($out, qr/civic_store "\Q$prefix\E\/rootonly\/new": cannot create the directory: Permission denied/,
         'the message says it cannot be created');
    ok(!-e "$prefix/rootonly/new", 'nothing was created');

    # As root, the store is handed to the user the workers run as.
    config_with_store("$prefix/forworkers");
    ($rc, $out) = $t->test_config;
    my @st = stat("$prefix/forworkers/data.mdb");
    is($st[4], scalar getpwnam('nobody'), 'the store files belong to the workers\' user');
}

# A store with a newer schema version is refused, and left as it was.
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
like($out, qr/civic_store "\Q$prefix\E\/future": open store \S+: it was written by a newer civic \(schema version 99, this civic knows up to 1\); upgrade civic or use another store/,
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
