# A store that is full: the submission is answered 507, nothing of it is
# stored, and the next one that fits is stored with the next number.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(multipart png_bytes token_of);

my $t = Civic::Test->new(http => <<'END', expect_errors => [qr/submission not stored: .*MDB_MAP_FULL/]);
    civic_store %%STORE%% max_size=1m;
    client_max_body_size 4m;
    civic_form upload { json_submissions on;
        languages en;
        receipt_prefix UP;
        min_fill_time 0;
        field note text { label en "Note"; }
        field attachment file { max_size 3m; label en "Attachment"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $b = 'civicFullBoundary';
my $r = $t->post('/forms/upload', headers => { 'Content-Type' => "multipart/form-data; boundary=$b",
                                               Accept => 'application/json' },
                 content => multipart($b, note => 'big', _token => token_of($t->get('/forms/upload')->{content}), attachment => { filename => 'big.bin', type => 'application/octet-stream',
                                                                        content => png_bytes() . ('x' x (2 * 1024 * 1024)) }));
is($r->{status}, 507, 'a submission that does not fit in the store: 507');
like(decode_json($r->{content})->{error}, qr/store is full; nothing was stored/, 'saying nothing was stored');
is(decode_json($t->get('/admin/status')->{content})->{forms}{upload}{submissions}, 0, 'nothing was stored');

$r = $t->post('/forms/upload', headers => { 'Content-Type' => 'application/json' }, content => '{"note":"small"}');
is($r->{status}, 201, 'a small one still fits');
like(decode_json($r->{content})->{receipt}, qr/^UP-\d{4}-[0-9A-Z]{4}-000001$/, 'with the first number');
like($t->error_log, qr/${\ Civic::Test::log_level('crit')}.*form "upload": submission not stored: .*MDB_MAP_FULL/, 'the full store is logged');

done_testing;
