# The Debian package (scripts/package, docs/packaging.md) installed into
# this machine's nginx as a sysadmin installs it (apt-get install ./FILE.deb):
# the module loaded through /etc/nginx/modules-enabled serves the demo's
# configuration from an nginx of the test's own (the system's nginx service
# is left alone), civicctl and its manual are in place; then the packages
# are purged and the machine is as it was before.
#
# It uses the release build's packages (build/), in the sanitized run too,
# and runs scripts/package only when they are missing or older than what
# they are made from. Root only: it installs packages.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Fcntl qw(:flock);
use Civic::Test;

Civic::Test::nginx_only("the Debian package of the nginx module");

plan skip_all => 'installs a Debian package into the system: run as root' if $> != 0;

my $root = $Civic::Test::ROOT;
my $package = 'libnginx-mod-http-civic';
my @packages = ($package, "$package-dbgsym");
chdir $root or die "cd $root: $!\n";
my ($version) = Civic::Test::read_file('CMakeLists.txt') =~ /^project\(civic VERSION ([0-9.]+)/m
    or die "no project version in CMakeLists.txt\n";
chomp(my $arch = `dpkg --print-architecture`);
my $deb = "$root/build/${package}_${version}_$arch.deb";
my $dbgsym_deb = "$root/build/$package-dbgsym_${version}_$arch.deb";

sub run { Civic::Test::run_command(@_) }
# apt-get waits for dpkg's lock (another apt, or the trigger processing a
# killed run left running) rather than failing at once.
my @apt = ('apt-get', '-y', '-o', 'DPkg::Lock::Timeout=120');
$ENV{DEBIAN_FRONTEND} = 'noninteractive';
sub purge_packages { my ($rc, $out, $err) = run([@apt, 'purge', @_]); return ($rc, "$out$err") }
sub status_of { my (undef, $out) = run(['dpkg-query', '-W', '-f=${Status}', $_[0]]); return $out }
sub installed { status_of($_[0]) =~ /\S/ && status_of($_[0]) !~ /not-installed$/ }
sub enabled_modules {
    my $dir = '/etc/nginx/modules-enabled';
    opendir(my $dh, $dir) or return "no $dir";
    return join "\n", map { "$_ -> " . (readlink("$dir/$_") // 'file') } sort grep { !/^\.\.?$/ } readdir $dh;
}

# One at a time on this machine, whichever checkout it runs from: they
# install the same package.
my $lock_file = -d '/run/lock' ? '/run/lock/civic-package-test.lock' : '/tmp/civic-package-test.lock';
open my $lock, '>>', $lock_file or die "$lock_file: $!\n";
flock($lock, LOCK_EX) or die "lock: $!\n";

# A run that was killed before it purged leaves this mark (and the package).
my $mark = '/var/tmp/civic-package-test.installed';
if (-e $mark) {
    if (grep { installed($_) } @packages) {
        diag("a killed run left @packages installed: purging them first");
        my ($rc, $out) = purge_packages(@packages);
        diag($out) if $rc;
    }
    unlink $mark unless grep { installed($_) } @packages;
}
if (my @there = grep { installed($_) } @packages) {
    fail(-e $mark ? "a killed run left @there installed, and apt-get purge @there failed"
                  : "@there installed on this machine, not by this test, which would purge it: "
                    . "apt-get purge @there, then run the test again");
    done_testing;
    exit;
}

# The packages of the release build, made again if what they hold is newer.
my @inputs = grep { -e } map { "$root/$_" }
    qw(build/ngx_http_civic_module.so build/civicctl scripts/package scripts/install tools/civicctl.1.in);
if (!-f $deb || !-f $dbgsym_deb || grep { -M $_ < -M $deb } @inputs) {
    my ($rc, $out, $err) = run(['scripts/package']);
    is($rc, 0, 'scripts/package makes the packages') or diag("$out$err");
}
ok(-f $deb && -f $dbgsym_deb, "build/ holds both packages (${package}_${version}_$arch.deb and its -dbgsym)")
    or do { done_testing; exit };

# What the machine has before.
my (undef, $listing) = run(['dpkg-deb', '-c', $deb]);
my (undef, $dbgsym_listing) = run(['dpkg-deb', '-c', $dbgsym_deb]);
my @paths = map { m{^\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(/\S*?)/?(?:\s|$)} ? $1 : () } split /\n/, "$listing\n$dbgsym_listing";
@paths = grep { $_ ne '/' && length } @paths;
ok(scalar(@paths) > 10, 'the packages list their files (' . scalar(@paths) . ')');
my %before = map { $_ => (-e $_ || -l $_) ? 1 : 0 } @paths;
my $enabled_before = enabled_modules();
# Making and removing the link changes the folder's times: put back after.
my @enabled_times = (stat '/etc/nginx/modules-enabled')[8, 9];
my $nginx_before = join ' ', map { status_of($_) } qw(nginx nginx-common);
like($nginx_before, qr/^install ok installed install ok installed$/, "Debian's nginx is installed");

# Installed as a sysadmin installs it; purged at the end, also if the test dies.
my $purged = 0;
sub purge {
    return if $purged++;
    my @result = purge_packages(@packages);
    unlink $mark;
    utime(@enabled_times, '/etc/nginx/modules-enabled') if @enabled_times && enabled_modules() eq $enabled_before;
    return @result;
}
END { local $?; purge() if defined $mark && -e $mark }
$SIG{INT} = $SIG{TERM} = sub { exit 1 };
open my $m, '>', $mark or die "$mark: $!\n";
close $m;
{
    my ($rc, $out, $err) = run([@apt, 'install', '--no-install-recommends', $deb, $dbgsym_deb]);
    is($rc, 0, 'apt-get install ./FILE.deb installs both') or diag("$out$err");
}
is(status_of($_), 'install ok installed', "dpkg: $_ installed") for @packages;

# The files, as Debian's module packages lay theirs out.
my $so = '/usr/lib/nginx/modules/ngx_http_civic_module.so';
my $snippet = '/usr/share/nginx/modules-available/mod-http-civic.conf';
my $link = '/etc/nginx/modules-enabled/50-mod-http-civic.conf';
my $doc = "/usr/share/doc/$package";
ok(-f $so, "the module is in /usr/lib/nginx/modules");
is(Civic::Test::read_file($snippet), "load_module $so;\n", 'modules-available holds its load_module line');
is(readlink($link), $snippet, 'postinst enabled it: modules-enabled links to it');
ok(-x '/usr/bin/civicctl', 'civicctl is in /usr/bin');
ok(-f "$doc/copyright" && -f "$doc/changelog.gz", "$doc has copyright and changelog.gz");
my @docs = glob("$doc/docs/*.md*");
ok((-f "$doc/README.md" || -f "$doc/README.md.gz") && @docs >= 10, '... and the docs (README.md, ' . scalar(@docs) . ' in docs/)');

my (undef, $depends) = run(['dpkg-query', '-W', '-f=${Depends}', $package]);
my (undef, $provides) = run(['dpkg-query', '-W', '-f=${Provides}', 'nginx']);
my @abi = $depends =~ /\b(nginx-abi-[\w.+~-]+)/g;
is(scalar @abi, 1, "it depends on one nginx ABI: @abi");
ok(@abi && grep({ $_ eq $abi[0] } split /,\s*/, $provides), "... which the installed nginx provides ($provides)");

# Stripped, the symbols in the -dbgsym package under their build ids.
for my $bin ($so, '/usr/bin/civicctl') {
    my (undef, $sections) = run(['readelf', '-S', '-W', $bin]);
    unlike($sections, qr/\.debug_info|\.symtab/, "$bin is stripped");
    my (undef, $notes) = run(['readelf', '-n', $bin]);
    my ($id) = $notes =~ /Build ID: (\w+)/;
    my $debug = '/usr/lib/debug/.build-id/' . substr($id // '', 0, 2) . '/' . substr($id // '', 2) . '.debug';
    my (undef, $debug_sections) = run(['readelf', '-S', '-W', $debug]);
    like($debug_sections, qr/\.debug_info/, "... its symbols are in $debug");
}

# civicctl and its manual: every command that --help lists is in the manual.
my ($rc, $help) = run(['/usr/bin/civicctl', '--help']);
is($rc, 0, '/usr/bin/civicctl --help');
my @commands = ($help =~ /^  ([a-z][a-z-]+) /mg, $help =~ /^\s+civicctl ([a-z][a-z-]+)/mg);
my %seen;
@commands = grep { !$seen{$_}++ } @commands;
ok(@commands >= 15, "it lists its commands (@commands)");
my $where;
($rc, $where) = run(['man', '-w', '-a', 'civicctl']);
like($where, qr{^/usr/share/man/man1/civicctl\.1\.gz$}m, 'man -w civicctl finds the manual');
my $manual;
{
    local $ENV{MANWIDTH} = 250;
    local $ENV{LC_ALL} = 'C.UTF-8';
    ($rc, $manual) = run(['man', '/usr/share/man/man1/civicctl.1.gz']);
}
my @missing = grep { $manual !~ /^ {7}\Q$_\E\b/m } @commands;
is("@missing", '', 'the manual describes every command --help lists');
like($manual, qr/^ {7}--store DIR$/m, '... and --store');

# The demo's configuration, with the module loaded as Debian's nginx.conf
# loads modules: an nginx of this test's own, on its own port and prefix.
my $t = Civic::Test->new(init_store => 0, http => '');
my $prefix = $t->prefix;
mkdir "$prefix/tmp";
($rc, my $out, my $err) = run(['/usr/bin/civicctl', 'init', "$prefix/store"]);
is($rc, 0, 'the installed civicctl makes a store') or diag($err);
($rc, $out, $err) = run(['/usr/bin/civicctl', 'webhook-secret', "$prefix/webhook.whsec"]);
is($rc, 0, '... a webhook secret') or diag($err);
($rc, $out, $err) = run(['/usr/bin/civicctl', 'keygen', "$prefix/keys"]);
is($rc, 0, '... and a key pair') or diag($err);
chomp $out;
symlink("$out.pub", "$prefix/keys/demo.pub") or die "symlink: $!\n";
my $conf = Civic::Test::read_file('conf/demo.conf');
my @replace = (
    [qr{^load_module build/ngx_http_civic_module\.so;}m, 'include /etc/nginx/modules-enabled/*.conf;'],
    [qr{var/demo/}, "$prefix/"],
    [qr{listen 127\.0\.0\.1:8080;}, 'listen ' . $t->addr . ';'],
    [qr{root conf/demo-site;}, "root $root/conf/demo-site;"],
);
for my $r (@replace) {
    my ($re, $with) = @$r;
    ok($conf =~ s/$re/$with/g, "conf/demo.conf has $re");
}
$t->write_file("conf/nginx.conf", $conf);
my $tested;
($rc, $tested) = $t->test_config;
is($rc, 0, 'nginx -t takes the demo with the module from modules-enabled') or diag($tested);
$t->start;
my $r = $t->get('/forms/feedback');
is($r->{status}, 200, 'the installed module serves the demo form');
like($r->{content}, qr/Palaute kaupungille/, '... in Finnish');
($rc, $out, $err) = run(['/usr/bin/civicctl', '--store', "$prefix/store", 'import', 'culture', 'conf/demo-events.json']);
is($rc, 0, 'civicctl imports the demo events') or diag($err);
$r = $t->get('/calendars/culture.ics');
is($r->{status}, 200, 'the calendar feed');
like($r->{content}, qr/^BEGIN:VEVENT\r$/m, '... with the events');
$t->stop;

# Purged: nothing of it is left, and nginx is as it was.
my ($purge_rc, $purge_out) = purge();
is($purge_rc, 0, 'apt-get purge removes both') or diag($purge_out);
ok(!installed($_), "dpkg: $_ not installed") for @packages;
is(enabled_modules(), $enabled_before, 'modules-enabled is as before (no link, no .removed link)');
is((stat '/etc/nginx/modules-enabled')[9], $enabled_times[1], '... with its time');
my @changed = grep { ((-e $_ || -l $_) ? 1 : 0) != $before{$_} } @paths;
is("@changed", '', 'every path of the packages is as before (files removed, folders it made gone)');
is(join(' ', map { status_of($_) } qw(nginx nginx-common)), $nginx_before, "Debian's nginx is still installed");

$t->finish;
done_testing;
