# The citizen's way: a real headless Chromium (Debian's) fills in the form
# without JavaScript, sends it empty and sees the errors, fills it in and
# sends it and sees the receipt, in Finnish, Swedish and English; axe-core
# finds no accessibility violation on the form page or the page with errors.
# The browser is driven by playwright-core (t/e2e, installed by scripts/test
# with npm ci).
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form);

my $e2e = "$Civic::Test::ROOT/t/e2e";
ok(-d "$e2e/node_modules/playwright-core" && -d "$e2e/node_modules/axe-core",
   'playwright-core and axe-core are installed (scripts/test runs npm ci in t/e2e)')
    or BAIL_OUT("run: (cd t/e2e && npm ci)");
ok(-x '/usr/bin/chromium', "Debian's chromium is installed") or BAIL_OUT('apt-get install chromium');

my $form = feedback_form(confirm => 'message');
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
$form
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my ($rc, $out, $err) = Civic::Test::run_command(
    [ 'node', "$e2e/form.mjs", 'http://' . $t->addr, '/forms/feedback', qw(fi sv en) ]);
for my $line (split /\n/, $out) {
    if ($line =~ /^ok - (.*)/) { pass($1) }
    elsif ($line =~ /^not ok - (.*)/) { fail($1) }
    elsif ($line =~ /^# (.*)/) { diag($1) if $rc }
}
is($rc, 0, 'the browser run passed') or diag($err);
like($out, qr/^ok - \[sv\] the citizen sees a receipt/m, 'the Swedish submission got its receipt');

my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{feedback}{submissions}, 3, 'the three submissions are stored');

done_testing;
