# A form changes, or goes, while its submissions are stored (issue 12):
# nothing stored is hidden. A removed field stays in the exports and the API
# (a removed file field's files stay downloadable), nginx -t warns of what a
# change drops, and a form no longer configured stays listed as retired, its
# submissions readable, exportable, erasable and purged by its last
# retention.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use Civic::Test;
use Civic::Forms qw(multipart png_bytes token_of);

my $server = <<'END';
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
my $v1 = <<'END';
    civic_store %%STORE%%;
    civic_form hakemus {
        languages fi en;
        min_fill_time 0;
        json_submissions on;
        retention 6s short;
        field nimi text { required; label en "Name"; }
        field aihe select { option roads en "Roads"; option parks en "Parks"; label en "Topic"; }
        field viesti textarea { label en "Message"; }
        field kuva file { label en "Photo"; }
    }
END
my $t = Civic::Test->new(http => $v1 . $server);
$t->start;
my $json = JSON::PP->new->utf8->canonical;

my $b = 'versionsBoundary';
my $r = $t->post('/forms/hakemus', headers => { 'Content-Type' => "multipart/form-data; boundary=$b", Accept => 'application/json' },
                 content => multipart($b, _token => token_of($t->get('/forms/hakemus')->{content}), nimi => 'Maija',
                                      aihe => 'roads', viesti => 'Kuoppa', kuva => { filename => 'kuoppa.png', type => 'image/png', content => png_bytes() }));
is($r->{status}, 201, 'a submission of the first version, with a photo') or diag($r->{content});
my $first = decode_json($r->{content})->{receipt};

# The second version drops viesti and kuva, renames an option, adds sahkoposti.
my $v2 = $v1;
$v2 =~ s/^\s*field viesti .*\n//m;
$v2 =~ s/^\s*field kuva .*\n//m;
$v2 =~ s/option roads en "Roads"/option streets en "Streets"/;
$v2 =~ s/(field aihe)/field sahkoposti email { label en "Email"; }\n        $1/;
$t->set_config(http => $v2 . $server);
my ($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t takes the second version') or diag($out);
like($out, qr/${\ Civic::Test::log_level('warn')}.*civic_form "hakemus": the field "viesti" is no longer in the form, but 1 stored submissions may hold it/,
     'nginx -t warns that the removed field has stored data');
like($out, qr/${\ Civic::Test::log_level('warn')}.*the field "kuva" is no longer in the form/, '... and the removed file field');
$t->reload;

$r = $t->post('/forms/hakemus', headers => { 'Content-Type' => 'application/json' },
              content => $json->encode({ nimi => 'Matti', aihe => 'streets', sahkoposti => 'matti@example.fi' }));
is($r->{status}, 201, 'a submission of the second version') or diag($r->{content});

sub csv_rows {
    my ($path) = @_;
    my $res = $t->get($path);
    my ($st, $text) = Civic::Test::run_command(['/usr/bin/python3', '-c',
        'import csv,io,sys,json; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))'],
        input => $res->{content});
    return ($res, decode_json($text));
}
my ($res, $rows) = csv_rows('/admin/forms/hakemus/submissions.csv');
is($res->{status}, 200, 'the CSV export');
is_deeply([@{ $rows->[0] }[5 .. 9]], [qw(nimi sahkoposti aihe viesti kuva)],
          'carries the configured fields, then every field an earlier version had');
is($rows->[1][8], 'Kuoppa', 'the old submission keeps its removed field\'s value');
is($rows->[1][9], 'kuoppa.png', 'and its file');
like($rows->[1][10], qr{/admin/forms/hakemus/submissions/\Q$first\E/files/kuva\?index=0$}, 'with a link to it');
($res, $rows) = csv_rows('/admin/forms/hakemus/submissions.csv?labels=1&lang=en');
is($rows->[1][7], 'roads', 'a renamed option: the old value as stored');
is($rows->[2][7], 'Streets', 'the new one by its label');
$r = $t->get("/admin/forms/hakemus/submissions/$first/files/kuva");
is($r->{status}, 200, 'a removed file field\'s file can still be downloaded');
is($r->{content}, png_bytes(), 'byte for byte');

# The form goes from the configuration (another form stays).
my $v3 = <<'END';
    civic_store %%STORE%%;
    civic_form muu { languages fi; json_submissions on; field a text { } }
END
$t->set_config(http => $v3 . $server);
($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t takes a configuration without the form') or diag($out);
like($out, qr/${\ Civic::Test::log_level('warn')}.*civic_form "hakemus" is no longer configured; its 2 stored submissions stay under \/admin\/forms\/hakemus\/ as a retired form/,
     'and warns that its submissions stay as a retired form');
$t->reload;

my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{hakemus}{retired}, JSON::PP::true, '/admin/status lists it as retired');
is($status->{forms}{hakemus}{submissions}, 2, 'with its submissions');
is($status->{forms}{muu}{retired}, JSON::PP::false, 'the configured one is not retired');
is($t->get('/forms/hakemus')->{status}, 404, 'its public page is gone');
my $list = decode_json($t->get('/admin/forms/hakemus/submissions')->{content});
is(scalar @{ $list->{data} }, 2, 'its submissions are listed');
($res, $rows) = csv_rows('/admin/forms/hakemus/submissions.csv');
is(scalar @$rows, 3, 'and exported');
ok((grep { $_ eq 'viesti' } @{ $rows->[0] }), 'with every column any version had');
is($t->get("/admin/forms/hakemus/submissions/$first/files/kuva")->{status}, 200, 'its files downloadable');
is($t->delete("/admin/forms/hakemus/submissions/$first")->{status}, 204, 'a submission of it can be erased');
is($t->get("/admin/forms/hakemus/submissions/$first")->{status}, 404, 'and is gone');
my ($crc, $cout) = $t->civicctl('stat');
is(decode_json($cout)->{forms}{hakemus}{retired}, JSON::PP::true, 'civicctl stat says it is retired too');

# Purged by its last retention (6 s): the other submission goes.
my $deadline = time + 20;
my $left = 1;
while (time < $deadline) {
    $left = decode_json($t->get('/admin/status')->{content})->{forms}{hakemus}{submissions};
    last if $left == 0;
    sleep 0.5;
}
is($left, 0, 'a retired form is still purged by its last retention');

$t->finish;
done_testing;
