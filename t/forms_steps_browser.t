# The demo's multi-step form (conf/demo.conf, "permit") walked by a real
# headless Chromium (Debian's), with JavaScript off and on, in Finnish,
# Swedish and English: errors on a step, Back, a conditional step, Save and
# continue later and the resume link, check your answers with a Change,
# Submit (t/e2e/steps.mjs). axe-core finds no accessibility violation on
# any page met on the way.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::E2E qw(require_browser run_browser);

require_browser();

# The demo's form as it is, but for the minimum fill time (a script is fast).
my $demo = Civic::Test::read_file("$Civic::Test::ROOT/conf/demo.conf");
my ($form) = $demo =~ /^(    civic_form permit \{\n.*?\n    \}\n)/ms;
ok($form, 'the demo has the permit form') or BAIL_OUT('no permit form in conf/demo.conf');
$form =~ s/\{\n/{\n        min_fill_time 0;\n/;

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

my ($rc, $out) = run_browser('steps.mjs', 'http://' . $t->addr, '/forms/permit', qw(fi sv en));

my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{permit}{submissions}, 6, 'six walks, six submissions: each committed once');
is($status->{forms}{permit}{drafts}, 0, 'and no draft left behind');

done_testing;
