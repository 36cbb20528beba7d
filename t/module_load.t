# The module loads into Debian's nginx, and its directives are checked at
# `nginx -t` with clear messages.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use Civic::Test;

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=64m;
    server {
        listen %%ADDR%%;
        location /admin/ { civic_admin; }
    }
END

my ($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t accepts the module and civic_store') or diag($out);
like($out, Civic::Test::config_ok_re(), 'nginx -t says the test is successful');
unlike($out, qr/signature|not binary compatible/i, 'no module signature complaint');

$t->start;
my $r = $t->get('/admin/status');
is($r->{status}, 200, 'the module answers');
$t->stop;

# Each wrong configuration fails `nginx -t` with one clear line. Where the
# words are nginx's own, Apache's are given after the name (undef: a
# mistake only nginx's syntax can make).
my @bad = (
    [ 'civic_store %%STORE%% max_size=lots;',
      qr/civic_store: invalid max_size "lots"/, 'a malformed max_size' ],
    [ 'civic_store %%STORE%% max_size=100k;',
      qr/invalid max_size "100k" \(a size such as 512m or 4g, at least 1m\)/, 'a max_size below 1m' ],
    [ 'civic_store %%STORE%% colour=blue;',
      qr/civic_store: unknown parameter "colour=blue"/, 'an unknown parameter' ],
    [ "civic_store %%STORE%%;\n    civic_store %%STORE%%;",
      qr/"civic_store" directive is duplicate/, 'civic_store twice', qr/CivicStore is duplicate/ ],
    [ 'civic_store;', qr/invalid number of arguments in "civic_store" directive/, 'civic_store without a path',
      qr/CivicStore needs a directory path/ ],
    [ 'server { listen %%ADDR%%; location /admin/ { civic_admin; } }',
      qr/civic_admin, civic_calendars and civic_forms need "civic_store" in the http\{\} block/,
      'civic_admin without civic_store',
      qr/SetHandler civic-admin, civic-calendars and civic-forms need "CivicStore" in the server configuration/ ],
    [ "civic_store %%STORE%%;\n    server { listen %%ADDR%%; location /admin/ { civic_admin; civic_admin; } }",
      qr/"civic_admin" directive is duplicate/, 'civic_admin twice', undef ],
    [ "civic_store %%STORE%%;\n    server { listen %%ADDR%%; civic_admin; }",
      qr/"civic_admin" directive is not allowed here/, 'civic_admin outside a location', undef ],
    [ "civic_store %%STORE%% thread_pool=nosuch;\n",
      qr/unknown thread pool "nosuch"/, 'a thread pool that is not defined', undef ],
);
for my $case (@bad) {
    my ($http, $pattern, $name, @apache) = @$case;
    SKIP: {
    if (Civic::Test::apache() && @apache) {
        skip "nginx only: $name", 3 unless defined $apache[0];
        $pattern = $apache[0];
    }
    $t->set_config(http => $http);
    my ($rc, $out) = $t->test_config;
    isnt($rc, 0, "nginx -t fails: $name");
    like($out, $pattern, "the message names the problem: $name");
    my ($file) = $t->config_error_at($out);
    is($file, $t->conf_file, "the message gives file and line: $name")
        unless $name =~ /without civic_store|thread pool/;
    }
}

# A named thread pool that exists is accepted.
SKIP: {
skip "nginx only: nginx's thread pools", 1 if Civic::Test::apache();
$t->set_config(main => 'thread_pool civic threads=4;', http => <<'END');
    civic_store %%STORE%% thread_pool=civic max_readers=256;
    server { listen %%ADDR%%; location /admin/ { civic_admin; } }
END
($rc, $out) = $t->test_config;
is($rc, 0, 'civic_store with thread_pool= and max_readers= is accepted') or diag($out);
}

done_testing;
