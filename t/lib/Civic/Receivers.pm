# The receivers of deliveries the delivery tests start themselves (issue
# 14): t/tools/webhook_receiver.py and t/tools/smtp_sink.py under Debian's
# /usr/bin/python3, each on its own port, stopped when the test ends.
package Civic::Receivers;
use strict;
use warnings;
use File::Temp qw(tempdir);
use JSON::PP;
use POSIX ();
use Time::HiRes qw(sleep time);

use Civic::Test;

my $ROOT = $Civic::Test::ROOT;
my @LIVE;

# start(kind => 'webhook'|'smtp'|'linkedevents', port => N (0: any), args => [...]): starts
# the tool and waits until it listens. Returns an object with port, dir
# (where it writes), log (the webhook's JSON lines file), control (a file the
# tool reads for every request), and stop/restart.
sub start {
    my ($class, %o) = @_;
    my $dir = tempdir('civic-recv-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my $self = bless { kind => $o{kind}, dir => $dir, port => $o{port} || 0, args => $o{args} || [], owner => $$ },
        $class;
    $self->{log} = "$dir/requests.jsonl";
    $self->{control} = "$dir/control";
    $self->write_data({ events => [] }) if $self->{kind} eq 'linkedevents';
    $self->restart;
    push @LIVE, $self;
    return $self;
}

sub port    { $_[0]{port} }

# The fake Linked Events API's data (t/tools/fake_linkedevents.py: events,
# places, keywords), written whole and renamed into place: read again on
# every request.
sub write_data {
    my ($self, $data) = @_;
    my $file = "$self->{dir}/data.json";
    open my $fh, '>', "$file.tmp" or die "$file.tmp: $!";
    print $fh JSON::PP->new->canonical->encode($data);
    close $fh or die;
    rename "$file.tmp", $file or die "rename: $!";
}
sub dir     { $_[0]{dir} }
sub control { $_[0]{control} }

sub restart {
    my ($self) = @_;
    my $port_file = "$self->{dir}/port";
    unlink $port_file;
    my @cmd = $self->{kind} eq 'webhook'      ? ("$ROOT/t/tools/webhook_receiver.py", '--log', $self->{log})
            : $self->{kind} eq 'linkedevents' ? ("$ROOT/t/tools/fake_linkedevents.py", '--log', $self->{log},
                                                 '--data', "$self->{dir}/data.json")
            :                                   ("$ROOT/t/tools/smtp_sink.py", '--dir', "$self->{dir}/mail");
    mkdir "$self->{dir}/mail" if $self->{kind} eq 'smtp';
    push @cmd, '--port', $self->{port}, '--port-file', $port_file, '--control', $self->{control}, @{ $self->{args} };
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$self->{dir}/tool.log";
        open STDERR, '>&', \*STDOUT;
        exec '/usr/bin/python3', @cmd or POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    my $deadline = time + 15;
    while (time < $deadline) {
        if (-s $port_file) {
            open my $fh, '<', $port_file or die;
            my $p = <$fh>;
            chomp $p;
            $self->{port} = $p + 0;
            return $self;
        }
        die "the $self->{kind} receiver exited:\n" . `cat $self->{dir}/tool.log` if waitpid($pid, POSIX::WNOHANG()) == $pid;
        sleep 0.05;
    }
    die "the $self->{kind} receiver did not start";
}

sub stop {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'TERM', $self->{pid};
    waitpid($self->{pid}, 0);
    $self->{pid} = undef;
}

# What the tool is to answer from now on ("status=503", "delay=2" for the
# webhook receiver; "451", "550" or "ok" for the SMTP sink).
sub answer {
    my ($self, $text) = @_;
    open my $fh, '>', "$self->{control}.new" or die;
    print $fh $text;
    close $fh;
    rename "$self->{control}.new", $self->{control} or die;
}

# The webhook requests received so far, decoded.
sub requests {
    my ($self) = @_;
    open my $fh, '<', $self->{log} or return ();
    my @r;
    while (my $line = <$fh>) {
        next unless $line =~ /\S/;
        push @r, decode_json($line);
    }
    return @r;
}

# The e-mails received so far: [{path, envelope}] in order.
sub mails {
    my ($self) = @_;
    my @files = sort glob("$self->{dir}/mail/*.eml");
    return map {
        my $env = "$_";
        $env =~ s/\.eml$/.json/;
        my $json = -e $env ? do { local $/; open my $fh, '<', $env or die; decode_json(<$fh>) } : {};
        { path => $_, envelope => $json };
    } @files;
}

# Waits until `cond` holds (at most `seconds`); returns whether it did.
sub wait_until {
    my ($cond, $seconds) = @_;
    my $deadline = time + ($seconds || 15);
    while (time < $deadline) {
        return 1 if $cond->();
        sleep 0.1;
    }
    return $cond->() ? 1 : 0;
}

END {
    local $?;  # waitpid would set the test's exit status
    # Only the process that started a receiver stops it (not a forked client).
    for my $r (@LIVE) { $r->stop if $r && $r->{pid} && $r->{owner} == $$ }
}

1;
