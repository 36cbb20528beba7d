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

my $e2e = "$Civic::Test::ROOT/t/e2e";
ok(-d "$e2e/node_modules/playwright-core" && -d "$e2e/node_modules/axe-core",
   'playwright-core and axe-core are installed (scripts/test runs npm ci in t/e2e)')
    or BAIL_OUT("run: (cd t/e2e && npm ci)");
ok(-x '/usr/bin/chromium', "Debian's chromium is installed") or BAIL_OUT('apt-get install chromium');

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

my ($rc, $out, $err) = Civic::Test::run_command(
    [ 'node', "$e2e/steps.mjs", 'http://' . $t->addr, '/forms/permit', qw(fi sv en) ]);
for my $line (split /\n/, $out) {
    if ($line =~ /^ok - (.*)/) { pass($1) }
    elsif ($line =~ /^not ok - (.*)/) { fail($1) }
    elsif ($line =~ /^# (.*)/) { diag($1) if $rc }
}
is($rc, 0, 'the browser runs passed') or diag($err);

my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{permit}{submissions}, 6, 'six walks, six submissions: each committed once');
is($status->{forms}{permit}{drafts}, 0, 'and no draft left behind');

done_testing;
