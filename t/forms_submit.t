# POST /forms/{form}: JSON, urlencoded and multipart bodies; 201, 303, the
# confirmation page, 422 with every error; tokens, repeats, honeypot,
# cross-site posts and limits; bodies in nginx temp files; $civic_receipt.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use Encode qw(decode_utf8);
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form token_of urlencode multipart png_bytes);

my $forms = feedback_form() . feedback_form(name => 'palaute', confirm => 'message')
    . feedback_form(name => 'slow', min_fill => '2s')
    . feedback_form(name => 'tiukka', json => 'token') . feedback_form(name => 'sivulta', json => 'off');
# $civic_receipt is nginx's (not under CIVIC_SERVER=apache).
my ($receipt_format, $receipt_log) = Civic::Test::apache() ? ('', '') : (
    "log_format receipts '\$request_method \$uri \$status receipt=\$civic_receipt';",
    'access_log %%PREFIX%%/logs/receipts.log receipts;');
my $t = Civic::Test->new(workers => 2, http => <<"END");
    civic_store %%STORE%% max_size=64m;
    $receipt_format
    client_max_body_size 64k;
$forms
    server {
        listen %%ADDR%%;
        $receipt_log
        location /forms/ { civic_forms; }
        location /file-bodies/ {
            client_body_in_file_only clean;
            civic_forms;
        }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $json = JSON::PP->new->utf8->canonical;
my %good = (name => 'Matti Meikäläinen', email => 'matti@example.fi', topic => 'roads',
            message => "Kuoppa\r\nkadulla", consent => 'yes');

sub post_json {
    my ($path, $data, %headers) = @_;
    return $t->post($path, headers => { 'Content-Type' => 'application/json', %headers },
                    content => $json->encode($data));
}

sub page_token {
    my ($path) = @_;
    my $r = $t->get($path);
    return token_of($r->{content});
}

sub post_form {
    my ($path, %o) = @_;
    return $t->post($path, headers => { 'Content-Type' => 'application/x-www-form-urlencoded', %{ $o{headers} || {} } },
                    content => urlencode(@{ $o{fields} }));
}

# --- JSON clients
my $r = post_json('/forms/feedback', { %good, consent => JSON::PP::true });
is($r->{status}, 201, 'JSON: 201 for an accepted submission') or diag($r->{content});
my $receipt = eval { decode_json($r->{content})->{receipt} } // '';
# The store's receipt tag, as civicctl init made it and /admin/status shows it.
my (undef, $stat_out) = $t->civicctl('stat');
my $tag = decode_json($stat_out)->{store}{receipt_tag};
like($tag, qr/^[0-9A-HJKMNP-TV-Z]{4}$/, 'the store has a receipt tag of four unambiguous characters');
like($receipt, qr/^PAL-\d{4}-\Q$tag\E-000001$/, 'with a readable receipt PREFIX-YEAR-TAG-NUMBER');

$r = post_json('/forms/feedback', { %good, consent => JSON::PP::true });
my $second = eval { decode_json($r->{content})->{receipt} } // '';
like($second, qr/^PAL-\d{4}-\Q$tag\E-000002$/, 'the next one gets the next number');

$r = post_json('/forms/feedback?lang=fi', { name => '', email => 'nope', topic => 'other', message => 'x',
                                            postcode => '123', hetu => '131052-308A' });
is($r->{status}, 422, 'JSON: 422 for invalid fields');
is($r->{reason}, 'Unprocessable Content', 'with its RFC 9110 reason phrase, once');
my $errors = eval { decode_json($r->{content})->{errors} } || {};
is_deeply([ sort keys %$errors ], [ sort qw(name email other_topic postcode hetu consent) ],
          'every error at once, per field');
is($errors->{name}, 'Tämä tieto on pakollinen.', 'in the language asked for');
is($errors->{postcode}, 'Five digits', 'pattern_message along the language chain');
$r = post_json('/forms/feedback', { name => '' }, 'Accept-Language' => 'sv-FI, en;q=0.5');
is(decode_json($r->{content})->{errors}{name}, 'Uppgiften är obligatorisk.', 'Accept-Language chooses Swedish');

$r = post_json('/forms/feedback', { %good, consent => JSON::PP::true, photo => 'x' });
is($r->{status}, 201, 'values for unknown or file fields in JSON are ignored');

$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' }, content => '{"name":');
is($r->{status}, 400, 'malformed JSON: 400');
like(decode_json($r->{content})->{error}, qr/malformed/, 'with a JSON error body');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
              content => '{"name":' . ('[' x 5000) . (']' x 5000) . '}');
is($r->{status}, 400, 'deeply nested JSON: 400');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
              content => qq({"name":"\xff"}));
is($r->{status}, 400, 'invalid UTF-8: 400');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'text/plain' }, content => 'hello');
is($r->{status}, 415, 'an unsupported content type: 415');
is(decode_json($r->{content})->{field}, 'Content-Type', 'naming the Content-Type');
$r = post_json('/forms/feedback', { %good, name => "a\x{0007}b", consent => JSON::PP::true });
is($r->{status}, 422, 'control characters are refused');

# --- Idempotency-Key: a retry gets the first receipt and stores nothing new
$r = post_json('/forms/feedback', { %good, consent => JSON::PP::true }, 'Idempotency-Key' => 'retry-1');
my $first = decode_json($r->{content})->{receipt};
$r = post_json('/forms/feedback', { %good, consent => JSON::PP::true }, 'Idempotency-Key' => 'retry-1');
is($r->{status}, 201, 'a repeat with the same Idempotency-Key: 201');
is(decode_json($r->{content})->{receipt}, $first, '... with the first receipt');
is($r->{headers}{'idempotent-replayed'}, 'true', '... marked as replayed');
my $status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{feedback}{submissions}, 4, 'and nothing new was stored');

# --- browsers: the form token
$r = post_form('/forms/feedback', fields => [ %good ]);
is($r->{status}, 422, 'a browser post without a token: 422, the form again');
like($r->{content}, qr/role="alert"/, 'with an error summary');
like(decode_utf8($r->{content}), qr/value="Matti Meikäläinen"/, 'and the values kept');
like($r->{content}, qr/name="_token" value="[^"]+"/, 'and a fresh token');

my $token = page_token('/forms/feedback?lang=en');
$r = post_form('/forms/feedback?lang=en', fields => [ %good, _token => $token ]);
is($r->{status}, 303, 'a browser post with a token: 303');
like($r->{headers}{location}, qr{^/kiitos\?receipt=PAL-\d{4}-\Q$tag\E-000005$}, 'to the confirm URL with the receipt');

$r = post_form('/forms/feedback?lang=en', fields => [ %good, _token => $token ]);
is($r->{status}, 303, 'the same token again (a double click): 303');
like($r->{headers}{location}, qr{receipt=PAL-\d{4}-\Q$tag\E-000005$}, '... with the first receipt');
$status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{feedback}{submissions}, 5, '... and nothing new stored');

my $forged = $token;
substr($forged, 20, 1) = substr($forged, 20, 1) eq 'A' ? 'B' : 'A';
$r = post_form('/forms/feedback?lang=en', fields => [ %good, _token => $forged ]);
is($r->{status}, 422, 'a forged token: the form again');
like($r->{content}, qr/check code was missing or wrong/, 'saying so');
$r = post_form('/forms/feedback?lang=en', fields => [ %good, _token => page_token('/forms/palaute') ]);
is($r->{status}, 422, "another form's token is refused");

# min_fill_time: a post right after the page was made is refused; the same
# token later is accepted.
my $slow = page_token('/forms/slow?lang=en');
$r = post_form('/forms/slow?lang=en', fields => [ %good, _token => $slow ]);
is($r->{status}, 422, 'sent faster than min_fill_time: the form again');
like($r->{content}, qr/sent very quickly/, 'saying so');
sleep 3;
$r = post_form('/forms/slow?lang=en', fields => [ %good, _token => $slow ]);
is($r->{status}, 303, 'after the minimum fill time the same token is accepted');

# --- invalid browser post: the form again with values and linked errors
$token = page_token('/forms/feedback?lang=fi');
$r = post_form('/forms/feedback?lang=fi',
               fields => [ name => '<b>Matti</b>', email => 'x', topic => 'other', message => 'm', _token => $token ]);
is($r->{status}, 422, 'invalid browser post: 422');
like($r->{content}, qr{<html lang="fi">}, 'in Finnish');
like($r->{content}, qr{<title>Virhe: Palaute kaupungille</title>}, 'the title says there are errors');
like(decode_utf8($r->{content}), qr{<a href="#f-email">Sähköposti: Anna sähköpostiosoite}, 'the summary links to the field');
like($r->{content}, qr{value="&lt;b&gt;Matti&lt;/b&gt;"}, 'values kept, escaped');
unlike($r->{content}, qr{<b>Matti}, 'never unescaped');
like($r->{content}, qr{<option value="other" selected>Muu</option>}, 'choices kept');
like($r->{content}, qr{aria-describedby="f-email-error"}, 'errors tied to their inputs');

# --- confirmation page (confirm message)
$token = page_token('/forms/palaute?lang=sv');
$r = post_form('/forms/palaute?lang=sv', fields => [ %good, _token => $token ]);
is($r->{status}, 201, 'confirm message: 201 with a page');
like($r->{content}, qr{<strong id="civic-receipt">PAL-\d{4}-\Q$tag\E-000001</strong>}, 'showing the receipt');
like(decode_utf8($r->{content}), qr{Tack, formuläret har skickats}, 'in Swedish');

# --- honeypot and cross-site posts: refused, nothing stored
$token = page_token('/forms/palaute');
$r = post_form('/forms/palaute', fields => [ %good, website => 'http://spam', _token => $token ]);
is($r->{status}, 400, 'a filled honeypot: refused');
unlike($r->{content}, qr/website|honeypot/i, 'without saying why');
$r = post_form('/forms/palaute', fields => [ %good, _token => page_token('/forms/palaute') ],
               headers => { Origin => 'https://evil.example' });
is($r->{status}, 403, 'a post with a foreign Origin: 403');
$r = post_form('/forms/palaute', fields => [ %good, _token => page_token('/forms/palaute') ],
               headers => { 'Sec-Fetch-Site' => 'cross-site' });
is($r->{status}, 403, 'Sec-Fetch-Site: cross-site: 403');
$r = post_form('/forms/palaute', fields => [ %good, _token => page_token('/forms/palaute') ],
               headers => { Origin => 'http://' . $t->addr, 'Sec-Fetch-Site' => 'same-origin' });
is($r->{status}, 201, 'a same-origin post is accepted');
$status = decode_json($t->get('/admin/status')->{content});
is($status->{forms}{palaute}{submissions}, 2, 'refused posts stored nothing');

# --- multipart with a file
my $boundary = 'civicTestBoundary42';
$token = page_token('/forms/feedback');
my $body = multipart($boundary, %good, _token => $token,
                     photo => { filename => 'kuoppa.png', type => 'image/png', content => png_bytes() });
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                              Accept => 'application/json' }, content => $body);
is($r->{status}, 201, 'multipart with a file, Accept: application/json: 201 JSON') or diag($r->{content});
$body = multipart($boundary, %good, _token => page_token('/forms/feedback'),
                  photo => { filename => 'kuoppa.png', type => 'image/png', content => "not an image at all" });
$r = $t->post('/forms/feedback?lang=en', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                              Accept => 'application/json' }, content => $body);
is($r->{status}, 422, 'a file whose content is not an accepted type: 422');
like(decode_json($r->{content})->{errors}{photo}, qr/not allowed/, 'on the file field');
$body = multipart($boundary, %good, _token => page_token('/forms/feedback'),
                  photo => { filename => 'big.png', type => 'image/png', content => png_bytes() . ("x" x 6000) });
$r = $t->post('/forms/feedback?lang=en', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                              Accept => 'application/json' }, content => $body);
like(decode_json($r->{content})->{errors}{photo}, qr/too large/, 'a file over max_size: refused');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                              Accept => 'application/json' }, content => substr($body, 0, 300));
is($r->{status}, 400, 'a truncated multipart body: 400');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'multipart/form-data', Accept => 'application/json' },
              content => $body);
is($r->{status}, 400, 'multipart without a boundary: 400');

# --- bodies in temp files (decoded in a pool thread), and the size limit
$r = $t->post('/file-bodies/feedback', headers => { 'Content-Type' => 'application/json' },
              content => $json->encode({ %good, consent => JSON::PP::true, message => 'pitkä ' x 500 }));
is($r->{status}, 201, 'a body nginx wrote to a temp file: 201') or diag($r->{content});
$body = multipart($boundary, %good, _token => page_token('/file-bodies/feedback'),
                  photo => { filename => 'k.png', type => 'image/png', content => png_bytes() });
$r = $t->post('/file-bodies/feedback', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary" },
              content => $body);
is($r->{status}, 303, 'a multipart body in a temp file: 303');
$r = $t->post('/file-bodies/feedback', headers => { 'Content-Type' => 'application/json' }, content => '{"name":');
is($r->{status}, 400, 'a malformed body in a temp file: 400');
$r = post_json('/forms/feedback', { %good, consent => JSON::PP::true, message => 'x' x 70000 });
is($r->{status}, 413, 'a body over client_max_body_size: 413');

# --- methods, unknown forms
$r = $t->request('PUT', '/forms/feedback', content => '{}');
is($r->{status}, 405, 'PUT: 405');
is($r->{headers}{allow}, 'GET, HEAD, POST', 'with Allow');
$r = post_json('/forms/nothing', {});
is($r->{status}, 404, 'an unknown form: 404');
is(decode_json($r->{content})->{error}, 'no such form', 'with a JSON error');

# --- json_submissions (issue 12): a JSON client needs the schema's token
# (the default), or JSON is refused (off); scripts cannot post freely.
{
    my %data = (%good, consent => JSON::PP::true);
    my $r = post_json('/forms/tiukka', \%data);
    is($r->{status}, 400, 'json_submissions token: a JSON post without a token is 400');
    is(eval { decode_json($r->{content})->{field} }, '_token', '... naming the token');
    my $schema = decode_json($t->get('/forms/tiukka.json')->{content});
    is($schema->{submit}{json_token}, JSON::PP::true, 'the schema says a JSON post needs the token');
    my $token = $schema->{submit}{token};
    $r = post_json('/forms/tiukka', { %data, _token => $token });
    is($r->{status}, 201, 'with the schema token it is stored') or diag($r->{content});
    my $first = eval { decode_json($r->{content})->{receipt} };
    $r = post_json('/forms/tiukka', { %data, _token => $token });
    is(eval { decode_json($r->{content})->{receipt} }, $first, 'the same token again: the first receipt, nothing new');
    my @receipts = map { eval { decode_json(post_json('/forms/tiukka', \%data)->{content})->{receipt} } } 1 .. 20;
    is(scalar(grep { defined } @receipts), 0, 'twenty identical posts without tokens: no receipt');
    $r = post_json('/forms/sivulta', \%data);
    is($r->{status}, 415, 'json_submissions off: a JSON post is 415');
    like(eval { decode_json($r->{content})->{error} } // '', qr/takes no JSON submissions/, '... saying so');
    my $off = decode_json($t->get('/forms/sivulta.json')->{content});
    ok(!grep({ $_ eq 'application/json' } @{ $off->{submit}{content_types} }), 'and its schema does not offer JSON');
    $r = $t->post('/forms/sivulta', headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
                  content => urlencode(%good, _token => page_token('/forms/sivulta')));
    ok($r->{status} == 303 || $r->{status} == 201, 'its page still takes a browser post') or diag($r->{status});
}

# --- $civic_receipt in the access log
$t->stop;
SKIP: {
skip 'nginx only: $civic_receipt is an nginx variable', 2 if Civic::Test::apache();
my $log = Civic::Test::read_file($t->prefix . '/logs/receipts.log');
like($log, qr{POST /forms/feedback 201 receipt=\Q$receipt\E\n}, '$civic_receipt is logged for the stored submission');
like($log, qr{POST /forms/feedback 422 receipt=-\n}, 'and empty for a refused one');
}

# Each refusal is logged at info with its reason.
my $errors_log = $t->error_log;
like($errors_log, qr/${\ Civic::Test::log_level('info')}.*form "palaute": submission refused: honeypot field filled/, 'honeypot refusal logged');
like($errors_log, qr/${\ Civic::Test::log_level('info')}.*form "palaute": submission refused: cross-site post/, 'cross-site refusal logged');
like($errors_log, qr/${\ Civic::Test::log_level('info')}.*form "feedback": submission refused: form token with a wrong signature/, 'forged token logged');
like($errors_log, qr/${\ Civic::Test::log_level('info')}.*form "slow": submission refused: form sent faster than the minimum fill time/, 'too fast logged');


done_testing;
