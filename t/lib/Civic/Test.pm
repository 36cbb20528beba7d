package Civic::Test;

# A small harness for civic's integration tests, in core Perl only.
#
# Each test makes its own nginx: a temporary prefix with a generated
# nginx.conf that loads the built module, Debian's nginx on a free loopback
# port, real HTTP. When the object goes away nginx is stopped, and the test
# fails if error.log has [alert], [crit] or [emerg] lines it did not expect,
# or if a sanitizer wrote a report.
#
#   my $t = Civic::Test->new(http => <<'END');
#       civic_store %%STORE%%;
#       server {
#           listen %%ADDR%%;
#           location /admin/ { civic_admin; }
#       }
#   END
#   $t->start;
#   my $r = $t->get('/admin/status');
#
# In the configuration text, %%ADDR%% is 127.0.0.1:PORT, %%PORT%% the port,
# %%PREFIX%% the temporary prefix and %%STORE%% PREFIX/store.
#
# CIVIC_SERVER=apache runs the same tests against Apache httpd and mod_civic
# (mod_civic.so beside the nginx module, or CIVIC_APACHE_MODULE): the test's
# nginx configuration is translated into Apache's (Civic::ApacheConf) and
# written to PREFIX/conf/apache2.conf beside the nginx.conf it came from;
# start, stop, reload, crash and test_config do to Apache what they do to
# nginx. A test whose configuration has no Apache translation, or that says
# Civic::Test::nginx_only(REASON), is skipped under Apache with its reason.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
use File::Spec;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use Fcntl qw(:flock);
use POSIX qw(WNOHANG);
use Test::More;
use Time::HiRes qw(sleep time);
use Scalar::Util qw(weaken);
use Test2::API qw(test2_add_callback_testing_done);

# Every live harness is finished (nginx stopped, logs checked) when the test
# calls done_testing, so those checks count in the plan.
my @LIVE;
test2_add_callback_testing_done(sub { $_ && $_->finish for @LIVE });

our $ROOT = abs_path(File::Spec->catdir(dirname(__FILE__), '..', '..', '..'));

sub nginx_binary { $ENV{CIVIC_NGINX} || '/usr/sbin/nginx' }
sub apache_binary { $ENV{CIVIC_APACHE} || '/usr/sbin/apache2' }
our $APACHE_MODULES = $ENV{CIVIC_APACHE_MODULES} || '/usr/lib/apache2/modules';

# The server the tests run against: nginx (the default) or apache.
sub server {
    my $s = $ENV{CIVIC_SERVER} || 'nginx';
    die "CIVIC_SERVER=$s: nginx or apache\n" unless $s eq 'nginx' || $s eq 'apache';
    return $s;
}
# As a method: the server of that harness (new(server => ...), for a test
# that runs both at once); as a function: CIVIC_SERVER's.
sub apache {
    my ($self) = @_;
    return $self->{server} eq 'apache' if ref $self && $self->{server};
    return server() eq 'apache';
}

# A test (or the rest of one) that has no meaning under Apache: skipped
# there, with the reason. Before any test has run, the whole file is skipped.
sub nginx_only {
    my ($reason) = @_;
    return unless apache();
    plan skip_all => "nginx only: $reason";
}

sub module_path {
    my $so = $ENV{CIVIC_MODULE} || "$ROOT/build/ngx_http_civic_module.so";
    die "civic module not built: $so (run scripts/test or cmake --build build)\n" unless -f $so;
    return abs_path($so);
}

sub apache_module_path {
    my $so = $ENV{CIVIC_APACHE_MODULE} || dirname(module_path()) . '/mod_civic.so';
    die "mod_civic not built: $so\n" unless -f $so;
    return abs_path($so);
}

sub civicctl_path {
    my $bin = $ENV{CIVIC_CTL} || dirname(module_path()) . '/civicctl';
    die "civicctl not built: $bin\n" unless -x $bin;
    return $bin;
}

# A port for one test's nginx, kept for it until the test process ends.
# Ports come from below the kernel's ephemeral range (32768-60999 on
# Debian), so that no client connection, receiver or probe bound to port 0
# can take one while its nginx restarts; tests running side by side
# (prove -j) reserve theirs with a lock file, so that none gets another's.
my %RESERVED;
sub free_port {
    my $dir = File::Spec->catdir(File::Spec->tmpdir, 'civic-test-ports');
    mkdir $dir;
    chmod 01777, $dir if -O $dir;
    for (1 .. 1000) {
        my $port = 20000 + int(rand(12000));
        next if $RESERVED{$port};
        open(my $lock, '>>', "$dir/$port") or next;
        unless (flock($lock, LOCK_EX | LOCK_NB)) { close $lock; next }
        my $probe = IO::Socket::INET->new(
            LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'tcp', Listen => 1, ReuseAddr => 1);
        unless ($probe) { close $lock; next }
        close $probe;
        $RESERVED{$port} = $lock;
        return $port;
    }
    die "cannot find a free port in 20000-31999\n";
}

# new(http => TEXT, main => TEXT, workers => N, expect_errors => [qr//...], server => nginx|apache,
#     preload => [shared objects to preload into nginx], init_store => 0|1)
sub new {
    my ($class, %args) = @_;
    my $prefix = tempdir('civic-t-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{CIVIC_KEEP});
    # Workers may run as another user (nobody) when the tests run as root.
    chmod 0755, $prefix;
    make_path("$prefix/logs", "$prefix/conf", { mode => 0755 });
    my $self = bless {
        prefix  => $prefix,
        port    => $args{port} || free_port(),
        http    => $args{http} // '',
        main    => $args{main} // '',
        events  => $args{events} // '',
        workers => $args{workers} || 1,
        daemon  => $args{daemon} ? 1 : 0,  # as a service runs it (needed for binary upgrades)
        expect  => $args{expect_errors} || [],
        preload => $args{preload} || [],
        pid     => undef,
        owner   => $$,
        server  => $args{server},  # nginx or apache; default: CIVIC_SERVER
    }, $class;
    die "server => $args{server}: nginx or apache\n" if $args{server} && $args{server} !~ /^(?:nginx|apache)$/;
    if ($self->apache) {
        # Is there an Apache translation? If not, the test is nginx only.
        my $why = $self->untranslatable;
        if (defined $why) {
            my $tb = Test::More->builder;
            plan skip_all => "nginx only: $why" if !$tb->current_test && !$tb->has_plan;
            die "nginx only: $why (say Civic::Test::nginx_only before this test's first check)\n";
        }
        make_path("$prefix/run", { mode => 0755 });
    }
    $self->write_config;
    # The store, made as a sysadmin makes it (civicctl init) before nginx
    # first reads the configuration; init_store => 0 leaves PREFIX/store absent.
    if ($args{init_store} // 1) {
        my ($rc, undef, $err) = run_command([civicctl_path(), 'init', "$prefix/store"]);
        die "civicctl init $prefix/store: $err" if $rc;
    }
    push @LIVE, $self;
    weaken($LIVE[-1]);
    return $self;
}

sub prefix { $_[0]{prefix} }
sub port   { $_[0]{port} }
sub addr   { '127.0.0.1:' . $_[0]{port} }
sub store  { $_[0]{prefix} . '/store' }
sub url    { my ($self, $path) = @_; 'http://' . $self->addr . $path }
# The configuration file the server reads; under Apache, nginx_conf_file is
# the nginx configuration it was translated from.
sub conf_file { $_[0]->apache ? $_[0]->apache_conf_file : $_[0]->nginx_conf_file }
sub nginx_conf_file { $_[0]{prefix} . '/conf/nginx.conf' }
sub apache_conf_file { $_[0]{prefix} . '/conf/apache2.conf' }
sub pid_file { $_[0]{prefix} . ($_[0]->apache ? '/apache2.pid' : '/nginx.pid') }
sub error_log_file { $_[0]{prefix} . '/logs/error.log' }

sub expand {
    my ($self, $text) = @_;
    my %v = (
        ADDR   => $self->addr,
        PORT   => $self->{port},
        PREFIX => $self->{prefix},
        STORE  => $self->store,
        ROOT   => $ROOT,
    );
    $text =~ s/%%(\w+)%%/exists $v{$1} ? $v{$1} : die "unknown placeholder %%$1%%\n"/ge;
    return $text;
}

# Replaces parts of the configuration (for a reload or a second start).
sub set_config {
    my ($self, %args) = @_;
    $self->{$_} = $args{$_} for grep { exists $args{$_} } qw(http main events workers);
    if ($self->apache && defined(my $why = $self->untranslatable)) {
        die "nginx only: $why\n";
    }
    $self->write_config;
}

# Why the current configuration has no Apache translation (undef if it has).
sub untranslatable {
    my ($self) = @_;
    return "main{} context ($self->{main})" if $self->{main} =~ /\S/;
    return "events{} context ($self->{events})" if $self->{events} =~ /\S/;
    return 'daemon => 1 (an nginx that forks away, for binary upgrades)' if $self->{daemon};
    return 'preload => [...] into nginx' if @{ $self->{preload} };
    require Civic::ApacheConf;
    return Civic::ApacheConf::translate($self->expand($self->{http}))->{untranslatable};
}

sub write_config {
    my ($self) = @_;
    my ($conf, $http_line) = $self->nginx_config;
    open my $fh, '>', $self->nginx_conf_file or die "cannot write config: $!\n";
    print $fh $conf;
    close $fh;
    chmod 0644, $self->nginx_conf_file;
    $self->write_apache_config($http_line) if $self->apache;
}

# The nginx.conf text, and the line its http{} text starts on.
sub nginx_config {
    my ($self) = @_;
    my $module = module_path();
    my $conf = <<"END";
load_module $module;
daemon @{[ $self->{daemon} ? 'on' : 'off' ]};
master_process on;
worker_processes $self->{workers};
error_log $self->{prefix}/logs/error.log info;
pid $self->{prefix}/nginx.pid;
END
    # nginx passes only `env` variables to a binary upgrade's new master: a
    # sanitized module needs its runtime preloaded there too.
    $conf .= "env LD_PRELOAD;\nenv ASAN_OPTIONS;\nenv UBSAN_OPTIONS;\n" if $ENV{CIVIC_PRELOAD};
    $conf .= $self->expand($self->{main}) . "\n";
    $conf .= "events {\n    worker_connections 1024;\n" . $self->expand($self->{events}) . "}\n";
    $conf .= <<"END";
http {
    access_log $self->{prefix}/logs/access.log;
    client_body_temp_path $self->{prefix}/client_body_temp;
    proxy_temp_path $self->{prefix}/proxy_temp;
    fastcgi_temp_path $self->{prefix}/fastcgi_temp;
    uwsgi_temp_path $self->{prefix}/uwsgi_temp;
    scgi_temp_path $self->{prefix}/scgi_temp;
END
    my $http_line = ($conf =~ tr/\n//) + 1;
    $conf .= $self->expand($self->{http}) . "\n}\n";
    return ($conf, $http_line);
}

# PREFIX/conf/apache2.conf: a base as close to the nginx one as Apache has
# (one process per nginx worker, each with its threads; the same logs), then
# the translation of the test's http{} text.
sub write_apache_config {
    my ($self, $http_line) = @_;
    require Civic::ApacheConf;
    my $p = $self->{prefix};
    my $r = Civic::ApacheConf::translate($self->expand($self->{http}), first_line => $http_line);
    die "nginx only: $r->{untranslatable}\n" if defined $r->{untranslatable};
    my $n = $self->{workers};
    my $module = apache_module_path();
    my $conf = <<"END";
# Made by t/lib/Civic/Test.pm (CIVIC_SERVER=apache) from $p/conf/nginx.conf.
ServerRoot $p/conf
ServerName 127.0.0.1
PidFile $p/apache2.pid
DefaultRuntimeDir $p/run
Mutex file:$p/run default
ErrorLog $p/logs/error.log
LogLevel info
LoadModule mpm_event_module $APACHE_MODULES/mod_mpm_event.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule authz_host_module $APACHE_MODULES/mod_authz_host.so
LoadModule civic_module $module
# worker_processes $n: as many children, which stay.
StartServers $n
ServerLimit @{[ 2 * $n ]}
ThreadLimit 16
ThreadsPerChild 16
MaxRequestWorkers @{[ 16 * $n ]}
MinSpareThreads 1
MaxSpareThreads @{[ 16 * $n ]}
MaxConnectionsPerChild 0
GracefulShutdownTimeout 12
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
CustomLog $p/logs/access.log common
END
    # Root runs nginx's workers as nobody; Apache's children the same.
    $conf .= "User nobody\nGroup nogroup\n" if $> == 0;
    my @lines = (undef) x ($conf =~ tr/\n//);
    $conf .= $r->{text};
    push @lines, @{ $r->{lines} };
    $self->{apache_lines} = \@lines;
    open my $fh, '>', $self->apache_conf_file or die "cannot write config: $!\n";
    print $fh $conf;
    close $fh;
    chmod 0644, $self->apache_conf_file;
}

sub nginx_env {
    my ($self) = @_;
    my %env;
    # For a sanitized module loaded into a plain nginx: the runtime must be
    # loaded first, and reports go to files the harness checks.
    # A test's own preloads (preload => [...]) come after the sanitizers'.
    my @preload = (($ENV{CIVIC_PRELOAD} ? $ENV{CIVIC_PRELOAD} : ()), @{ $self->{preload} || [] });
    $env{LD_PRELOAD} = join ':', @preload if @preload;
    if ($ENV{CIVIC_PRELOAD}) {
        # nginx frees its pools at exit, not every allocation: no leak check.
        $env{ASAN_OPTIONS} = join ':', grep { length } $ENV{ASAN_OPTIONS} // '',
            "log_path=$self->{prefix}/logs/asan", 'detect_leaks=0';
        $env{UBSAN_OPTIONS} = join ':', grep { length } $ENV{UBSAN_OPTIONS} // '',
            "log_path=$self->{prefix}/logs/ubsan", 'print_stacktrace=1';
    }
    return %env;
}

# Runs `nginx -t` on the current configuration (optionally as another user
# through setpriv). Returns (exit status, combined output).
# Under Apache: `apache2 -t` (what `apachectl configtest` runs).
sub test_config {
    my ($self, %args) = @_;
    my @cmd = $self->apache ? (apache_binary(), '-t', $self->apache_args)
            : (nginx_binary(), '-t', '-p', $self->{prefix}, '-c', $self->conf_file, '-e', 'stderr');
    if (my $user = $args{as_user}) {
        @cmd = ('setpriv', "--reuid=$user", "--regid=" . ($args{as_group} || 'nogroup'),
                '--clear-groups', @cmd);
    }
    my %env = $self->nginx_env;
    local @ENV{keys %env} = values %env;
    my $out = '';
    my $pid = open(my $fh, '-|') // die "fork: $!\n";
    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        exec @cmd or die "exec @cmd: $!\n";
    }
    local $/;
    $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

# Apache's command line: its configuration, ServerRoot given as nginx's -p.
sub apache_args {
    my ($self) = @_;
    return ('-d', "$self->{prefix}/conf", '-f', $self->apache_conf_file);
}

sub server_name { my ($self) = @_; (ref $self ? $self->apache : apache()) ? "apache" : "nginx" }

sub start {
    my ($self, %args) = @_;
    my $name = $self->server_name;
    die "$name already running\n" if $self->{pid};
    my %env = $self->nginx_env;
    return $self->start_daemon(%args) if $self->{daemon};
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        @ENV{keys %env} = values %env;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{prefix}/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        if ($self->apache) {
            # In the foreground, as nginx's `daemon off`: the parent is ours.
            exec apache_binary(), $self->apache_args, '-DFOREGROUND';
        } else {
            exec nginx_binary(), '-p', $self->{prefix}, '-c', $self->conf_file,
                '-e', "$self->{prefix}/logs/error.log";
        }
        exit 127;
    }
    $self->{pid} = $pid;
    my $deadline = time + ($args{timeout} || 15);
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $self->{pid} = undef;
            my $status = $? >> 8;
            BAIL_OUT("$name exited ($status) at start:\n" . $self->tail_logs) unless $args{may_fail};
            return 0;
        }
        my $sock = IO::Socket::INET->new(PeerAddr => $self->addr, Proto => 'tcp', Timeout => 1);
        if ($sock) {
            close $sock;
            return $self->wait_for_workers;
        }
        sleep 0.05;
    }
    BAIL_OUT("$name did not start listening on " . $self->addr . ":\n" . $self->tail_logs);
}

# With `daemon on`, nginx forks away from us: its master is adopted from the
# pid file.
sub start_daemon {
    my ($self, %args) = @_;
    my %env = $self->nginx_env;
    local @ENV{keys %env} = values %env;
    unlink "$self->{prefix}/nginx.pid";
    my ($rc, $out, $err) = run_command([nginx_binary(), '-p', $self->{prefix}, '-c', $self->conf_file,
                                        '-e', "$self->{prefix}/logs/error.log"]);
    BAIL_OUT("nginx did not start ($rc): $out$err\n" . $self->tail_logs) if $rc != 0;
    my $deadline = time + ($args{timeout} || 15);
    while (time < $deadline) {
        my ($pid) = read_file("$self->{prefix}/nginx.pid") =~ /(\d+)/;
        my $sock = $pid && IO::Socket::INET->new(PeerAddr => $self->addr, Proto => 'tcp', Timeout => 1);
        if ($sock) {
            close $sock;
            $self->{pid} = $pid;
            $self->{adopted} = 1;
            return $self->wait_for_workers;
        }
        sleep 0.05;
    }
    BAIL_OUT("nginx did not start listening on " . $self->addr . ":\n" . $self->tail_logs);
}

# Waits until every worker has started (their init_process has run; under
# Apache, every child process is there).
sub wait_for_workers {
    my ($self) = @_;
    my $deadline = time + 10;
    while (time < $deadline) {
        my @workers = $self->worker_pids;
        return 1 if @workers >= $self->{workers};
        sleep 0.05;
    }
    return 1;
}

# nginx's master; Apache's parent process.
sub master_pid { $_[0]{pid} }

# nginx's workers; Apache's child processes (those of a graceful restart that
# still finish their requests among them, as nginx's old workers are).
sub worker_pids {
    my ($self) = @_;
    return () unless $self->{pid};
    return child_pids($self->{pid});
}

# Stops the server as nginx's QUIT does: no new connections, the requests
# under way are finished. Apache's graceful-stop is WINCH (TERM would cut
# them off). signal => 'KILL' (or another) sends that one instead.
sub stop {
    my ($self, %args) = @_;
    my $pid = $self->{pid} or return;
    # A killed master leaves its workers listening until they see it gone:
    # a start meanwhile would fail to bind() (and log it). Wait for them.
    my @workers = ($args{signal} || '') eq 'KILL' ? $self->worker_pids : ();
    my $signal = $args{signal} || ($self->apache ? 'WINCH' : 'QUIT');
    $signal = 'WINCH' if $self->apache && $signal eq 'QUIT';
    kill($signal, $pid);
    my $deadline = time + 15;
    while (time < $deadline) {
        if ($self->{adopted} ? !process_alive($pid) : waitpid($pid, WNOHANG) == $pid) {
            $self->{adopted} = 0;
            $self->{pid} = undef;
            my $workers_deadline = time + 10;
            while (grep { process_alive($_) } @workers) {
                kill 'KILL', grep { process_alive($_) } @workers if time > $workers_deadline;
                sleep 0.05;
            }
            return 1;
        }
        sleep 0.05;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0) unless $self->{adopted};
    $self->{adopted} = 0;
    $self->{pid} = undef;
    fail($self->server_name . ' stopped within 15 seconds');
    return 0;
}

# A binary upgrade as a sysadmin does it (nginx's "upgrading executable on
# the fly"): USR2 starts a new master from the binary, WINCH stops the old
# workers gracefully, QUIT ends the old master. The new master, no child of
# the test, is adopted: stop() then signals it and waits for it to go.
sub upgrade_binary {
    my ($self) = @_;
    my $old = $self->{pid} or return 0;
    my %old_workers = map { $_ => 1 } $self->worker_pids;
    kill 'USR2', $old;
    my $pidfile = "$self->{prefix}/nginx.pid";
    my $new;
    my $deadline = time + 15;
    while (time < $deadline) {
        if (-e "$pidfile.oldbin") {
            ($new) = read_file($pidfile) =~ /(\d+)/;
            last if $new && $new != $old && process_alive($new);
        }
        sleep 0.05;
    }
    return 0 unless $new && $new != $old;
    # The new master's workers are up once it has children.
    $deadline = time + 15;
    while (time < $deadline) {
        my @kids = child_pids($new);
        last if @kids >= $self->{workers};
        sleep 0.05;
    }
    kill 'WINCH', $old;
    $deadline = time + 15;
    while (time < $deadline && grep { process_alive($_) } keys %old_workers) { sleep 0.05 }
    kill 'QUIT', $old;
    if ($self->{adopted}) {
        $deadline = time + 15;
        while (time < $deadline && process_alive($old)) { sleep 0.05 }
    } else {
        waitpid($old, 0);
    }
    $self->{pid} = $new;
    $self->{adopted} = 1;
    return 1;
}

sub child_pids {
    my ($parent) = @_;
    my @pids;
    opendir my $dh, '/proc' or return ();
    for my $p (grep { /^\d+$/ } readdir $dh) {
        open my $fh, '<', "/proc/$p/stat" or next;
        my $stat = <$fh> // '';
        close $fh;
        my ($state, $ppid) = $stat =~ /^\d+ \(.*?\) (\S) (\d+)/;
        push @pids, $p if defined $ppid && $ppid == $parent && $state ne 'Z';
    }
    return @pids;
}

# Kills the master and every worker with SIGKILL, as a power cut would.
sub crash {
    my ($self) = @_;
    my $pid = $self->{pid} or return;
    my @workers = $self->worker_pids;
    kill 'KILL', $pid, @workers;
    waitpid($pid, 0);
    # Workers are reparented when the master dies: wait until they are gone.
    my $deadline = time + 10;
    while (time < $deadline && grep { process_alive($_) } @workers) { sleep 0.02 }
    $self->{pid} = undef;
    unlink $self->pid_file;
}

# True while `pid` runs (a zombie waiting to be reaped does not count).
sub process_alive {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return 0;
    my $stat = <$fh> // '';
    close $fh;
    my ($state) = $stat =~ /^\d+ \(.*?\) (\S)/;
    return defined $state && $state ne 'Z';
}

sub restart {
    my ($self) = @_;
    $self->stop;
    $self->start;
}

# Sends a signal to the master and waits until the old workers are gone:
# nginx's HUP, Apache's graceful restart (USR1, `apachectl graceful`).
sub reload {
    my ($self) = @_;
    my %old = map { $_ => 1 } $self->worker_pids;
    kill(($self->apache ? 'USR1' : 'HUP'), $self->{pid});
    # An old worker first ends a source sync run under way (t/calendar_replica.t:
    # 9 s for nginx, 14 s for Apache in the sanitized run with prove -j).
    my $wait = $self->apache ? 30 : 15;
    my $deadline = time + $wait;
    while (time < $deadline) {
        my @now = $self->worker_pids;
        return 1 if @now && !(grep { $old{$_} } @now)
                    && (!$self->apache || @now >= $self->{workers});
        sleep 0.05;
    }
    fail($self->server_name . " reloaded within $wait seconds");
}

sub http {
    my ($self) = @_;
    $self->{ua} ||= HTTP::Tiny->new(keep_alive => 0, timeout => 30, max_redirect => 0,
                                   agent => 'civic-tests');
    return $self->{ua};
}

# request(METHOD, PATH, headers => {...}, content => '...') -> HTTP::Tiny's hash
sub request {
    my ($self, $method, $path, %opt) = @_;
    my %o;
    $o{headers} = $opt{headers} if $opt{headers};
    $o{content} = $opt{content} if defined $opt{content};
    return $self->http->request($method, $self->url($path), \%o);
}

sub get    { my ($self, $path, %opt) = @_; $self->request('GET', $path, %opt) }
sub head   { my ($self, $path, %opt) = @_; $self->request('HEAD', $path, %opt) }
sub post   { my ($self, $path, %opt) = @_; $self->request('POST', $path, %opt) }
sub put    { my ($self, $path, %opt) = @_; $self->request('PUT', $path, %opt) }
sub delete { my ($self, $path, %opt) = @_; $self->request('DELETE', $path, %opt) }

# Sends bytes as they are (for requests HTTP::Tiny would not write) and
# returns the whole answer as one string.
sub raw_request {
    my ($self, $bytes) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => $self->addr, Proto => 'tcp', Timeout => 10)
        or die "connect: $!\n";
    print $sock $bytes;
    local $/;
    my $answer = <$sock> // '';
    close $sock;
    return $answer;
}

sub read_file {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $text = <$fh>;
    close $fh;
    return $text // '';
}

sub error_log { read_file($_[0]->error_log_file) }

# Writes `text` to a file under the test's prefix (bytes as given) and
# returns its path: files for civicctl to import.
sub write_file {
    my ($self, $name, $text) = @_;
    my $path = $self->prefix . "/$name";
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $text;
    close $fh;
    return $path;
}

sub tail_logs {
    my ($self) = @_;
    my $text = '';
    for my $f ('error.log', 'stderr.log') {
        my $log = read_file("$self->{prefix}/logs/$f");
        my @lines = split /\n/, $log;
        @lines = @lines[-30 .. -1] if @lines > 30;
        $text .= "--- $f\n" . join("\n", @lines) . "\n" if @lines;
    }
    return $text;
}

# A regexp of an error.log line's level as either server writes it: nginx's
# "[crit]", Apache's "[civic:crit]" (the module's name first).
sub log_level {
    my ($level) = @_;
    return qr/\[(?:[\w.]*:)?(?:$level)\]/;
}

# A regexp of the line a server writes when a worker (an Apache child) dies
# on a signal: nginx's "exited on signal", Apache's "exit signal".
sub died_on_signal_re { qr/exited on signal|child pid \d+ exit signal/ }

# A regexp of what a successful test_config says.
sub config_ok_re { apache() ? qr/^Syntax OK$/m : qr/test is successful/ }

# A regexp of a configuration error with `message` in test_config's output,
# as either server reports it: nginx's [emerg] line; Apache's "Syntax error
# on line N of FILE:" then the message, or an [emerg] line of its start.
sub config_error_re {
    my ($message) = @_;
    return apache() ? qr/(?:Syntax error on line \d+ of \S+:\n|\[[\w.]*:emerg\] ).*?$message/
                    : qr/\[emerg\].*$message/;
}

# Where a failed test_config says its error is: (file, line). The file is as
# the server names it (conf_file); the line is one of the test's nginx
# configuration (config_lines), under Apache the nginx line the named
# Apache line was translated from.
sub config_error_at {
    my ($self, $out) = @_;
    my ($file, $line);
    if ($self->apache) {
        # A directive's error; or one found after reading them all, which
        # mod_civic words as nginx does (" in FILE:LINE").
        ($line, $file) = $out =~ /Syntax error on line (\d+) of (\S+?):/;
        ($file, $line) = $out =~ / in (\S+):(\d+)/ unless defined $file;
        return unless defined $file;
        $line = $file eq $self->apache_conf_file ? $self->{apache_lines}[$line - 1] : undef;
        return ($file, $line);
    }
    ($file, $line) = $out =~ / in (\S+):(\d+)/ or return;
    return ($file, $line);
}

# The lines of the test's nginx configuration, as nginx numbers them.
sub config_lines {
    my ($self) = @_;
    return split /\n/, read_file($self->nginx_conf_file);
}

# Lines of error.log at [alert], [crit] or [emerg] that no pattern expects.
sub unexpected_errors {
    my ($self) = @_;
    my @bad;
    my $level = log_level('alert|crit|emerg');
    for my $line (split /\n/, $self->error_log) {
        next unless $line =~ $level;
        next if grep { $line =~ $_ } @{ $self->{expect} };
        push @bad, $line;
    }
    return @bad;
}

sub expect_errors {
    my ($self, @patterns) = @_;
    push @{ $self->{expect} }, @patterns;
}

sub sanitizer_reports {
    my ($self) = @_;
    opendir my $dh, "$self->{prefix}/logs" or return ();
    my @files = grep { /^(asan|ubsan)\./ } readdir $dh;
    my @reports = map { "--- $_\n" . read_file("$self->{prefix}/logs/$_") } @files;
    # A worker's stderr is error.log: a runtime that ignores log_path writes there.
    my @lines = grep { /runtime error:|ERROR: \w+Sanitizer|SUMMARY: \w+Sanitizer/ } split /\n/, $self->error_log;
    push @reports, "--- error.log\n" . join("\n", @lines) if @lines;
    return @reports;
}

# Called once at the end (also by DESTROY): stop nginx and check the logs.
sub finish {
    my ($self) = @_;
    return if $self->{finished}++;
    $self->stop if $self->{pid};
    my @bad = $self->unexpected_errors;
    ok(!@bad, 'error.log has no unexpected [alert], [crit] or [emerg]')
        or diag(join("\n", @bad));
    my @reports = $self->sanitizer_reports;
    ok(!@reports, 'no sanitizer reports') or diag(join("\n", @reports));
}

sub DESTROY {
    my ($self) = @_;
    return unless $self->{owner} == $$;  # not in forked children
    local $?;
    return if $self->{finished};
    # Without done_testing (a test that died): stop nginx, say what the log had.
    $self->stop if $self->{pid};
    my @bad = $self->unexpected_errors;
    print STDERR "# unexpected in error.log:\n", map({ "#   $_\n" } @bad) if @bad;
}

# Runs civicctl on this test's store; returns (exit status, stdout, stderr).
sub civicctl {
    my ($self, @args) = @_;
    return run_command([civicctl_path(), '--store', $self->store, @args]);
}

# Runs a command; returns (exit status, stdout, stderr). `input` is fed to stdin.
sub run_command {
    my ($cmd, %opt) = @_;
    my $dir = tempdir('civic-cmd-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $pid = fork() // die "fork: $!\n";
    if ($pid == 0) {
        if (defined $opt{input}) {
            open my $in, '>', "$dir/in" or exit 127;
            print $in $opt{input};
            close $in;
            open STDIN, '<', "$dir/in";
        } else {
            open STDIN, '<', '/dev/null';
        }
        open STDOUT, '>', "$dir/out";
        open STDERR, '>', "$dir/err";
        exec @$cmd or exit 127;
    }
    waitpid($pid, 0);
    my $status = $? >> 8;
    return ($status, read_file("$dir/out"), read_file("$dir/err"));
}

1;
