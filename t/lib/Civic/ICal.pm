package Civic::ICal;

# Checks of iCalendar bodies for the t/ tests. ical_ok() runs three checks
# that do not share any code with civic's writer:
#
#   1. the wire format, here: CRLF line ends only, no line longer than 75
#      octets, no fold inside a UTF-8 character (RFC 5545 §3.1);
#   2. python3-icalendar (t/tools/ical_check.py, Debian's /usr/bin/python3);
#   3. libical (build/ical-check: parser errors and RFC 5546 restrictions).
#
# It returns the UIDs both parsers read, in order (empty on failure).

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(dirname);
use Test::More;

use Civic::Test;

our @EXPORT_OK = qw(ical_ok ical_wire_problems unfold_ical vevents);

sub ical_check_path {
    my $bin = $ENV{CIVIC_ICAL_CHECK} || dirname(Civic::Test::module_path()) . '/ical-check';
    die "ical-check not built: $bin\n" unless -x $bin;
    return $bin;
}

# Problems with line ends, lengths and folds (a list of strings).
sub ical_wire_problems {
    my ($body) = @_;
    my @problems;
    push @problems, 'does not end with CRLF' unless $body =~ /\r\n\z/;
    push @problems, 'has a bare LF' if $body =~ /(?<!\r)\n/;
    push @problems, 'has a bare CR' if $body =~ /\r(?!\n)/;
    my $n = 0;
    for my $line (split /\r\n/, $body) {
        $n++;
        push @problems, "line $n is " . length($line) . ' octets long' if length($line) > 75;
        # A continuation line must not start inside a UTF-8 sequence.
        push @problems, "line $n continues inside a UTF-8 character"
            if $line =~ /^ [\x80-\xBF]/;
    }
    return @problems;
}

sub unfold_ical {
    my ($body) = @_;
    (my $text = $body) =~ s/\r\n[ \t]//g;
    return $text;
}

# The VEVENT blocks of a body (unfolded), in order.
sub vevents {
    my ($body) = @_;
    return unfold_ical($body) =~ /(BEGIN:VEVENT\r\n.*?END:VEVENT\r\n)/gs;
}

sub ical_ok {
    my ($body, $name) = @_;
    $name //= 'iCalendar body';
    my @uids;
    subtest "$name: valid iCalendar (wire format, python3-icalendar, libical)" => sub {
        my @wire = ical_wire_problems($body);
        ok(!@wire, 'CRLF lines of at most 75 octets, folds between characters') or diag(join "\n", @wire);

        my ($rc, $out, $err) = Civic::Test::run_command(['/usr/bin/python3', "$Civic::Test::ROOT/t/tools/ical_check.py"],
                                                        input => $body);
        is($rc, 0, 'python3-icalendar reads it without a problem') or diag($out . $err);
        my ($py_count, @py_uids) = split /\n/, $out;

        ($rc, $out, $err) = Civic::Test::run_command([ical_check_path()], input => $body);
        is($rc, 0, 'libical reads it without an error or RFC 5546 restriction') or diag($out . $err);
        my ($lib_count, @lib_uids) = split /\n/, $out;

        is_deeply(\@py_uids, \@lib_uids, 'both read the same events');
        @uids = @lib_uids if $rc == 0;
    };
    return @uids;
}

1;
