# scripts/install lays civic out as Debian's libnginx-mod-* packages do
# (issue 12): the module in /usr/lib/nginx/modules, its load_module line in
# /usr/share/nginx/modules-available, enabled by a symlink in
# /etc/nginx/modules-enabled; binaries stripped, debug symbols apart under
# /usr/lib/debug/.build-id. Installed into a DESTDIR here, and the installed
# (stripped) module serves.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use JSON::PP;
use Civic::Test;

Civic::Test::nginx_only("scripts/install lays out the nginx module as Debian's libnginx-mod-* packages");

my $dest = tempdir('civic-install-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dest;
my $build = dirname(Civic::Test::module_path());
my ($rc, $out, $err) = Civic::Test::run_command(['scripts/install', '--destdir', $dest, '--build', $build]);
is($rc, 0, 'scripts/install --destdir runs') or diag("$out$err");

my $so = "$dest/usr/lib/nginx/modules/ngx_http_civic_module.so";
my $ctl = "$dest/usr/local/bin/civicctl";
my $man = "$dest/usr/local/share/man/man1/civicctl.1.gz";
ok(-f $so, 'the module is in /usr/lib/nginx/modules');
ok(-x $ctl, 'civicctl is in /usr/local/bin');
($rc, $out) = Civic::Test::run_command(['man', '-l', $man]);
like($out, qr/^NAME\n\s+civicctl\s+-\s+look\s+after/m, 'its manual is in /usr/local/share/man/man1, gzipped');
is(Civic::Test::read_file("$dest/usr/share/nginx/modules-available/mod-http-civic.conf"),
   "load_module /usr/lib/nginx/modules/ngx_http_civic_module.so;\n", 'modules-available holds its load_module line');
is(readlink("$dest/etc/nginx/modules-enabled/50-mod-http-civic.conf"),
   '/usr/share/nginx/modules-available/mod-http-civic.conf', 'modules-enabled links to it');

sub sections { my ($f) = @_; my (undef, $o) = Civic::Test::run_command(['readelf', '-S', '-W', $f]); return $o }
sub build_id { my ($f) = @_; my (undef, $o) = Civic::Test::run_command(['readelf', '-n', $f]); return $o =~ /Build ID: (\w+)/ ? $1 : '' }
for my $bin ($so, $ctl) {
    my $s = sections($bin);
    unlike($s, qr/\.debug_info|\.symtab/, "$bin is stripped");
    like($s, qr/\.gnu_debuglink/, '... and names its debug file');
    my $id = build_id($bin);
    ok(length $id > 2, '... and keeps its build id');
    my $debug = "$dest/usr/lib/debug/.build-id/" . substr($id, 0, 2) . '/' . substr($id, 2) . '.debug';
    like(sections($debug), qr/\.debug_info/, '... whose symbols are in /usr/lib/debug/.build-id');
}
ok(-s $so < -s Civic::Test::module_path(), 'the installed module is smaller than the built one (' . (-s $so) . ' bytes)');

# The installed module loads and serves; civicctl works.
($rc, $out, $err) = Civic::Test::run_command([$ctl, 'init', "$dest/store"]);
is($rc, 0, 'the installed civicctl makes a store') or diag($err);
my $t = Civic::Test->new(init_store => 0, http => <<"END");
    civic_store $dest/store;
    server { listen %%ADDR%%; location /admin/ { civic_admin; } }
END
my $conf = Civic::Test::read_file($t->conf_file);
$conf =~ s{^load_module \S+;}{load_module $so;}m or die;
open my $fh, '>', $t->conf_file or die;
print $fh $conf;
close $fh;
$t->start;
my $r = $t->get('/admin/status');
is($r->{status}, 200, 'the installed module answers');
is(decode_json($r->{content})->{store}{path}, "$dest/store", 'from the store civicctl made');
$t->stop;

($rc, $out, $err) = Civic::Test::run_command(['scripts/install', '--uninstall', '--destdir', $dest]);
is($rc, 0, 'scripts/install --uninstall') or diag($err);
ok(!-e $so && !-e $ctl && !-e $man && !-e "$dest/etc/nginx/modules-enabled/50-mod-http-civic.conf"
   && !-e "$dest/usr/share/nginx/modules-available/mod-http-civic.conf", 'removes what it installed');
my @debug = glob("$dest/usr/lib/debug/.build-id/*/*");
is(scalar @debug, 0, 'debug symbols included');
$t->finish;
done_testing;
