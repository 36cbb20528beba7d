# Clients that keep sending requests while a test does something to nginx
# (kills, reloads, upgrades): each is a process of its own that calls
# `body->($client, $n, $http, $log)` for n = 1, 2, ... until stop() is
# called, and prints what it saw to $log, one line a request.
package Civic::Load;
use strict;
use warnings;
use File::Temp qw(tempdir);
use HTTP::Tiny;

# start(clients => N, timeout => S, body => sub { ... }).
sub start {
    my ($class, %o) = @_;
    my $dir = tempdir('civic-load-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my @pids;
    for my $c (1 .. $o{clients}) {
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) {
            srand($$ ^ time);
            my $http = HTTP::Tiny->new(keep_alive => 0, timeout => $o{timeout} || 10);
            open my $log, '>>', "$dir/log.$c" or exit 1;
            $log->autoflush(1);
            my $n = 0;
            $o{body}->($c, ++$n, $http, $log) until -e "$dir/stop";
            exit 0;
        }
        push @pids, $pid;
    }
    return bless { dir => $dir, pids => \@pids, clients => $o{clients} }, $class;
}

# Stops every client; returns the lines they printed, client by client,
# without their line ends.
sub stop {
    my ($self) = @_;
    open my $stop, '>', "$self->{dir}/stop" or die;
    close $stop;
    waitpid($_, 0) for @{ $self->{pids} };
    my @lines;
    for my $c (1 .. $self->{clients}) {
        open my $fh, '<', "$self->{dir}/log.$c" or next;
        chomp(my @mine = <$fh>);
        push @lines, @mine;
    }
    return @lines;
}

1;
