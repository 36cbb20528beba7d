package Civic::E2E;

# The browser tests' side in Perl: whether Debian's Chromium and the node
# packages (t/e2e, installed by scripts/test with npm ci) are there, and a
# run of a t/e2e script whose "ok - " / "not ok - " lines become this
# test's assertions.

use strict;
use warnings;
use Exporter 'import';
use Test::More;
use Civic::Test;

our @EXPORT_OK = qw(require_browser run_browser);

my $E2E = "$Civic::Test::ROOT/t/e2e";

sub require_browser {
    ok(-d "$E2E/node_modules/playwright-core" && -d "$E2E/node_modules/axe-core",
       'playwright-core and axe-core are installed (scripts/test runs npm ci in t/e2e)')
        or BAIL_OUT("run: (cd t/e2e && npm ci)");
    ok(-x '/usr/bin/chromium', "Debian's chromium is installed") or BAIL_OUT('apt-get install chromium');
}

# run_browser(SCRIPT, ARGS...): runs node t/e2e/SCRIPT; each of its checks
# is passed or failed here; returns (exit status, output).
sub run_browser {
    my ($script, @args) = @_;
    my ($rc, $out, $err) = Civic::Test::run_command([ 'node', "$E2E/$script", @args ]);
    for my $line (split /\n/, $out) {
        if ($line =~ /^ok - (.*)/) { pass($1) }
        elsif ($line =~ /^not ok - (.*)/) { fail($1) }
        elsif ($line =~ /^# (.*)/) { diag($1) if $rc }
    }
    is($rc, 0, "the browser run of $script passed") or diag($err);
    return ($rc, $out);
}

1;
