# conf/nginx.conf, the example "for a real server", works as it is written:
# only the paths and ports a test cannot use are replaced (the module, the
# store, logs, listen ports, a self-signed certificate, the password file).
# Its forms location limits how fast one address may post, its admin API
# asks for a password, and its access log carries $civic_receipt.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep);
use Civic::Test;

Civic::Test::nginx_only("conf/nginx.conf is nginx's example configuration (ssl, limit_req, auth_basic, \$civic_receipt)");

my $t = Civic::Test->new(http => '');
my $prefix = $t->prefix;
my $https_port = $t->port;
my $http_port = Civic::Test::free_port();

# A certificate for the test's own name, and a password file.
my ($rc, $out) = Civic::Test::run_command(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=tapahtumat.example.fi', '-keyout', "$prefix/conf/key.pem", '-out', "$prefix/conf/cert.pem"]);
is($rc, 0, 'a self-signed certificate for the test') or diag($out);
open my $pw, '>', "$prefix/conf/civic.htpasswd" or die;
print $pw 'kirjaamo:' . crypt('salasana', '$6$civictest$') . "\n";
close $pw;

my $conf = Civic::Test::read_file('conf/nginx.conf');
my $module = Civic::Test::module_path();
my @replace = (
    [qr{^user www-data;\n}m, ''],
    [qr{^pid /run/nginx\.pid;}m, "pid $prefix/nginx.pid;"],
    [qr{^error_log /var/log/nginx/error\.log;}m, "error_log $prefix/logs/error.log info;\ndaemon off;"],
    [qr{load_module /usr/lib/nginx/modules/ngx_http_civic_module\.so;}, "load_module $module;"],
    [qr{access_log /var/log/nginx/access\.log}, "access_log $prefix/logs/access.log"],
    [qr{civic_store /var/lib/civic }, "civic_store $prefix/store "],
    [qr{listen 443 ssl http2;}, "listen 127.0.0.1:$https_port ssl http2;"],
    [qr{listen \[::\]:443 ssl http2;\n}, ''],
    [qr{listen 80;}, "listen 127.0.0.1:$http_port;"],
    [qr{listen \[::\]:80;\n}, ''],
    [qr{/etc/ssl/certs/tapahtumat\.example\.fi\.pem}, "$prefix/conf/cert.pem"],
    [qr{/etc/ssl/private/tapahtumat\.example\.fi\.key}, "$prefix/conf/key.pem"],
    [qr{/etc/nginx/civic\.htpasswd}, "$prefix/conf/civic.htpasswd"],
);
for my $r (@replace) {
    my ($re, $with) = @$r;
    ok($conf =~ s/$re/$with/g, "conf/nginx.conf has $re");
}
# The temp paths of Debian's build are not writable by a test.
$conf =~ s/^http \{\n/http {\n    client_body_temp_path $prefix\/client_body_temp;\n    proxy_temp_path $prefix\/proxy_temp;\n    fastcgi_temp_path $prefix\/fastcgi_temp;\n    uwsgi_temp_path $prefix\/uwsgi_temp;\n    scgi_temp_path $prefix\/scgi_temp;\n/m;
open my $fh, '>', $t->conf_file or die;
print $fh $conf;
close $fh;

($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t takes the example') or diag($out);
$t->start;

sub curl {
    my (@args) = @_;
    my ($code, $body) = Civic::Test::run_command(['curl', '-sk', '--resolve', "tapahtumat.example.fi:$https_port:127.0.0.1",
                                                  '-w', '\n%{http_code}', @args]);
    my ($content, $status) = $body =~ /\A(.*)\n(\d{3})\z/s;
    return ($status // 0, $content // '');
}
my $base = "https://tapahtumat.example.fi:$https_port";

my ($status, $body) = curl("$base/forms/feedback");
is($status, 200, 'the example form is served over https');
like($body, qr/Palaute kaupungille/, 'in Finnish first');

($status) = curl("$base/admin/status");
is($status, 401, 'the admin API asks for a password');
($status, $body) = curl('-u', 'kirjaamo:salasana', "$base/admin/status");
is($status, 200, 'and answers with it');

# A JSON client posts as the example form asks (json_submissions token, the
# default): a token from the schema, sent after min_fill_time (2 s).
my @tokens;
for (1 .. 8) {
    my ($s, $b) = curl("$base/forms/feedback.json");
    push @tokens, decode_json($b)->{submit}{token} if $s == 200;
}
is(scalar @tokens, 8, 'eight schema tokens (page loads within the burst)');
my ($status_without) = curl('-H', 'Content-Type: application/json', '--data', '{"name":"Matti","message":"Hei"}',
                            "$base/forms/feedback");
is($status_without, 400, 'a JSON post without the schema token is refused');
sleep 2.2;
my %seen;
for my $token (@tokens) {
    my ($s) = curl('-H', 'Content-Type: application/json', '--data',
                   encode_json({ name => 'Matti', message => 'Hei', _token => $token }), "$base/forms/feedback");
    $seen{$s}++;
}
is($seen{201}, 8, 'posts with their tokens within the burst are stored');
# One address posting as fast as it can: limit_req answers 429.
for (1 .. 20) {
    my ($s) = curl("$base/forms/feedback.json");
    $seen{$s}++;
}
ok($seen{429}, "a flood from one address gets 429 ($seen{429} of 20)");

# The access log names the receipts of the stored ones.
$t->stop;
my @receipts = Civic::Test::read_file("$prefix/logs/access.log") =~ / (PAL-\d{4}-[0-9A-Z]{1,8}-\d{6})$/mg;
is(scalar @receipts, $seen{201}, 'each stored submission has its receipt in the access log');

$t->finish;
done_testing;
