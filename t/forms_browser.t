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
use Civic::E2E qw(require_browser run_browser);
use Civic::Forms qw(feedback_form);

require_browser();

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

my ($rc, $out) = run_browser('form.mjs', 'http://' . $t->addr, '/forms/feedback', qw(fi sv en));
like($out, qr/^ok - \[sv\] the citizen sees a receipt/m, 'the Swedish submission got its receipt');

my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{feedback}{submissions}, 3, 'the three submissions are stored');

done_testing;
