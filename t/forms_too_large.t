# A submission over client_max_body_size (issue 12): nginx refuses the body,
# and error_page sends the request to a named location with civic_forms,
# which answers with the form's own page in the citizen's language (413),
# or JSON for a JSON client; nothing is stored.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use Encode qw(decode_utf8);
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form multipart png_bytes token_of);

my $form = feedback_form(confirm => 'message');
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
$form
    server {
        listen %%ADDR%%;
        location /forms/ {
            client_max_body_size 16k;
            error_page 413 \@form_too_large;
            civic_forms;
        }
        location \@form_too_large {
            civic_forms;
        }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $b = 'tooLargeBoundary';
my $token = token_of($t->get('/forms/feedback')->{content});
my $body = multipart($b, name => 'Maija', email => 'maija@example.fi', topic => 'roads', message => 'Kuoppa',
                     consent => 'yes', _token => $token,
                     photo => { filename => 'iso.png', type => 'image/png', content => png_bytes() . ("\0" x 40000) });

my $r = $t->post('/forms/feedback', content => $body,
                 headers => { 'Content-Type' => "multipart/form-data; boundary=$b", 'Accept-Language' => 'fi' });
is($r->{status}, 413, 'a body over client_max_body_size is 413');
like($r->{headers}{'content-type'}, qr{^text/html}, 'as an HTML page');
my $html = decode_utf8($r->{content});
like($html, qr/<html lang="fi">/, 'in the citizen\'s language');
like($html, qr/<form /, 'with the form to fill again');
like($html, qr/Lähetys oli suurempi kuin palvelu ottaa vastaan/, 'saying what happened');
like($html, qr/Enintään 5 kB/, 'with the size limits at the fields');

$r = $t->post('/forms/feedback?lang=sv', content => $body,
              headers => { 'Content-Type' => "multipart/form-data; boundary=$b" });
like(decode_utf8($r->{content}), qr/Inlämningen var större än tjänsten tar emot/, 'in Swedish with ?lang=sv');

$r = $t->post('/forms/feedback', content => '{"message":"' . ('x' x 20000) . '"}',
              headers => { 'Content-Type' => 'application/json' });
is($r->{status}, 413, 'a JSON body too large is 413');
like(eval { decode_json($r->{content})->{error} } // '', qr/larger than this service takes; nothing was stored/,
     'with a JSON error');

is(decode_json($t->get('/admin/status')->{content})->{forms}{feedback}{submissions}, 0, 'nothing was stored');
like($t->error_log, qr/form "feedback": submission refused: the body is larger than client_max_body_size/,
     'the refusal is logged at info');
$t->finish;
done_testing;
