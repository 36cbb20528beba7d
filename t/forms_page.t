# GET /forms/{form} and /forms/{form}.json: the page in the asked language,
# its accessible structure, the schema, a city layout, and what survives a
# restart right after a 201.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use Encode qw(decode_utf8);
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form);

my $forms = feedback_form();
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
$forms
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /kaupunki/ {
            civic_form_layout city-layout.html;
            civic_forms;
        }
        location /admin/ { civic_admin; }
    }
END
open my $fh, '>', $t->prefix . '/conf/city-layout.html' or die;
print $fh <<'END';
<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} | Turun kaupunki</title>
<link rel="stylesheet" href="/turku.css"></head>
<body><header>Turun kaupunki</header><main>{{form}}</main></body></html>
END
close $fh;
$t->start;

sub page { my ($path, %h) = @_; my $r = $t->get($path, headers => \%h); $r->{text} = decode_utf8($r->{content}); $r }

my $r = page('/forms/feedback');
is($r->{status}, 200, 'GET the form: 200');
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8', 'HTML');
is($r->{headers}{'cache-control'}, 'no-store', 'not cached (it carries a fresh token)');
like($r->{text}, qr{<html lang="fi">}, 'the first language by default');
is($r->{headers}{'content-language'}, 'fi', 'Content-Language says so');
like($r->{text}, qr{<h1>Palaute kaupungille</h1>}, 'the title');
like($r->{text}, qr{<label for="f-name">Nimi <span class="civic-required">\(pakollinen\)</span></label>},
     'labels, and required said in text');
like($r->{text}, qr{<button type="submit" class="civic-submit">Lähetä</button>}, 'the send button');
like($r->{text}, qr{<form method="post" action="/forms/feedback\?lang=fi" accept-charset="UTF-8" enctype="multipart/form-data" novalidate>},
     'a plain HTML form (no JavaScript), multipart because of the file field');
unlike($r->{text}, qr{<script}, 'no script at all');
like($r->{text}, qr{aria-describedby="f-photo-help"}, 'help tied to the input');

$r = page('/forms/feedback', 'Accept-Language' => 'en-GB,en;q=0.9,fi;q=0.5');
like($r->{text}, qr{<html lang="en">}, 'Accept-Language: English');
like($r->{text}, qr{<label for="f-name">Name <span class="civic-required">\(required\)</span></label>}, 'English labels');
like($r->{text}, qr{<option value="roads">Streets</option>}, 'English options');
$r = page('/forms/feedback?lang=sv', 'Accept-Language' => 'en');
like($r->{text}, qr{<html lang="sv">}, '?lang= wins over Accept-Language');
like($r->{text}, qr{<label for="f-name">Namn <span class="civic-required">\(obligatoriskt\)</span></label>}, 'Swedish');
like($r->{text}, qr{<label for="f-email">Sähköposti}, 'a label missing in Swedish falls back along the chain');
like($r->{text}, qr{<option value="parks">Puistot</option>}, 'options too');
like($r->{text}, qr{<button type="submit" class="civic-submit">Skicka</button>}, 'built-in texts in Swedish');
$r = page('/forms/feedback?lang=de');
like($r->{text}, qr{<html lang="fi">}, 'a language the form does not have: the default');

my $h = $t->head('/forms/feedback');
is($h->{status}, 200, 'HEAD: 200');
is($h->{content} // '', '', 'HEAD: no body');

$r = $t->get('/forms/feedback.json');
is($r->{status}, 200, 'GET the schema: 200');
is($r->{headers}{'content-type'}, 'application/json', 'JSON');
my $schema = decode_json($r->{content});
is($schema->{name}, 'feedback', 'the name');
is_deeply($schema->{languages}, [qw(fi sv en)], 'the languages');
is_deeply([ map { $_->{name} } @{ $schema->{fields} } ],
          [qw(name email topic other_topic message postcode hetu photo consent)], 'the fields in order');
my ($topic) = grep { $_->{name} eq 'topic' } @{ $schema->{fields} };
is_deeply($topic->{options}[0], { value => 'roads', label => { fi => 'Kadut', sv => 'Gator', en => 'Streets' } },
          'options with labels per language');
my ($other) = grep { $_->{name} eq 'other_topic' } @{ $schema->{fields} };
# The full condition, and "value" as before conditions took several values.
is_deeply($other->{required_if}, { field => 'topic', op => 'equals', values => ['other'], value => 'other' }, 'rules');
my ($photo) = grep { $_->{name} eq 'photo' } @{ $schema->{fields} };
is($photo->{max_size}, 5120, 'file limits');
ok(length $schema->{submit}{token} > 40, 'a token for front ends');
is($schema->{submit}{url}, '/forms/feedback', 'where to post');

$r = $t->request('POST', '/forms/feedback.json', content => '{}');
is($r->{status}, 405, 'POST to the schema: 405');

$r = page('/forms/nothing', Accept => 'text/html');
is($r->{status}, 404, 'an unknown form: 404');
like($r->{text}, qr{<h1>Form not found</h1>}, 'a page for browsers');
$r = $t->get('/forms/nothing');
is(decode_json($r->{content})->{error}, 'no such form', 'JSON for others');
is($t->get('/forms/feedback/x')->{status}, 404, 'nothing below a form');

# A city layout around the form.
$r = page('/kaupunki/feedback?lang=en');
like($r->{text}, qr{^<!DOCTYPE html>\n<html lang="en"><head>}, 'the layout, with the language filled in');
like($r->{text}, qr{<title>Feedback to the city \| Turun kaupunki</title>}, 'and the title');
like($r->{text}, qr{<link rel="stylesheet" href="/turku.css">}, "the city's stylesheet");
like($r->{text}, qr{<main><div class="civic-form">.*</div>\n</main></body></html>\n$}s, 'the form in its place');
like($r->{text}, qr{action="/kaupunki/feedback\?lang=en"}, 'posting back to the same place');

# A restart right after a 201: the submission is there.
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
              content => encode_json({ name => 'Liisa', email => 'liisa@example.fi', topic => 'parks',
                                       message => 'Penkki rikki', consent => JSON::PP::true }));
is($r->{status}, 201, 'stored');
my $receipt = decode_json($r->{content})->{receipt};
# No graceful shutdown: workers and master killed, only what was committed counts.
# The master first, so that it cannot respawn a worker (which would keep the
# port) or log the workers' deaths; then the workers, waited for.
my @workers = $t->worker_pids;
$t->stop(signal => 'KILL');
kill 'KILL', @workers;
sleep 0.2 while grep { Civic::Test::process_alive($_) } @workers;
$t->start;
my ($rc, $out) = $t->civicctl('submissions', 'feedback');
is($rc, 0, 'civicctl submissions runs');
my @lines = map { decode_json($_) } split /\n/, $out;
is(scalar @lines, 1, 'one submission after the restart');
is($lines[0]{receipt}, $receipt, 'the one that got the 201');
is($lines[0]{data}{name}, 'Liisa', 'with its data');
is(decode_json($t->get('/admin/status')->{content})->{forms}{feedback}{submissions}, 1, 'and counted');
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
              content => encode_json({ name => 'Pekka', email => 'p@example.fi', topic => 'parks',
                                       message => 'x', consent => JSON::PP::true }));
like(decode_json($r->{content})->{receipt}, qr/-000002$/, 'numbering goes on after the restart');

done_testing;
