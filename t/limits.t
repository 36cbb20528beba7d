# Limits (issue 7): every body, field, file, query string and id has a bound,
# and going over it gets a clear 4xx (JSON naming the field where there is
# one), stores nothing, and leaves nginx serving.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(feedback_form multipart png_bytes token_of);

my $form = feedback_form(min_fill => 0, confirm => 'message');
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
    civic_calendar culture { languages fi sv en; timezone Europe/Helsinki; }
$form
    server {
        listen %%ADDR%%;
        location /admin/ {
            client_max_body_size 256k;
            civic_admin;
            error_page 413 = \@too_large;
        }
        location /calendars/ { civic_calendars; }
        location /forms/ {
            client_max_body_size 32k;
            civic_forms;
        }
        location \@too_large {
            default_type application/json;
            return 413 '{"error":"the body is larger than client_max_body_size"}';
        }
    }
END
$t->start;

my $json = JSON::PP->new->utf8->canonical;
sub body_of { my ($r) = @_; my $b = eval { $json->decode($r->{content}) }; return $b // {} }

sub event_json {
    my (%o) = @_;
    return $json->encode({ name => { fi => $o{name} // 'Konsertti' }, start_time => '2026-12-01T18:00:00+02:00', %o });
}
sub put_event { my ($id, $body) = @_; $t->put("/admin/calendars/culture/events/$id", content => $body,
                                             headers => { 'Content-Type' => 'application/json' }) }
sub event_count { scalar(() = $t->get('/calendars/culture.ics')->{content} =~ /^BEGIN:VEVENT\r$/mg) }

# --- Event ids: at most 255 visible ASCII characters.
my $longest = 'x' x 255;
is(put_event($longest, event_json())->{status}, 201, 'an id of 255 characters is taken');
my $r = put_event($longest . 'x', event_json());
is($r->{status}, 400, 'an id of 256 characters is refused with 400');
is(body_of($r)->{field}, 'id', 'naming the id');
like(body_of($r)->{error}, qr/1 to 255/, 'and saying what an id may be');
is($t->get("/calendars/culture/events/${longest}x.ics")->{status}, 404, 'reading such an id finds nothing');
is($t->delete("/admin/calendars/culture/events/${longest}x")->{status}, 404, 'nor does deleting it');
is(event_count(), 1, 'only the valid event is stored');

# --- Event fields: each text has a bound, named in the refusal.
for my $case ([name => { fi => 'n' x 1001 }, 'name'],
              [description => { fi => 'd' x 65537 }, 'description'],
              [keywords => [map { "k$_" } 1 .. 101], 'keywords'],
              [keywords => ['k' x 201], 'keywords'],
              [info_url => { fi => 'https://example.org/' . ('u' x 2048) }, 'info_url']) {
    my ($key, $value, $field) = @$case;
    my %fields = (name => { fi => 'Konsertti' }, start_time => '2026-12-01T18:00:00+02:00', $key => $value);
    $r = put_event('too-big', $json->encode(\%fields));
    is($r->{status}, 422, "an event with too large a $key is refused with 422");
    like(body_of($r)->{field} // '', qr/^\Q$field\E/, "naming $field");
}
is($t->get('/calendars/culture/events/too-big.ics')->{status}, 404, 'none of them was stored');

# --- Admin bodies: client_max_body_size, answered as JSON here.
$r = put_event('huge', event_json(description => { fi => 'd' x 300000 }));
is($r->{status}, 413, 'a body over client_max_body_size is 413');
like(body_of($r)->{error}, qr/client_max_body_size|LimitRequestBody/, 'with a JSON error (naming the server\'s limit)');
is(event_count(), 1, 'and nothing stored');

# --- Feed queries: each value at most 1000 bytes, lists of at most 50, each
# parameter once, page_size at most 100; an over-long request line is nginx's 414.
for my $case (['text=' . ('a' x 1001), 'text'],
              ['keyword=' . join(',', map { "k$_" } 1 .. 51), 'keyword'],
              ['lang=fi&lang=sv', 'lang'],
              ['page_size=101', 'page_size'],
              ['start=' . ('2' x 40), 'start']) {
    my ($query, $field) = @$case;
    $r = $t->get("/calendars/culture.ics?$query");
    is($r->{status}, 400, "feed query with a bad $field is 400");
    is(body_of($r)->{field}, $field, "naming $field");
}
$r = $t->get('/calendars/culture.ics?text=' . ('a' x 20000));
is($r->{status}, 414, 'a request line longer than nginx allows is 414');
is($t->get('/calendars/culture.ics')->{status}, 200, 'and the feed is served as before');

# --- Form bodies: client_max_body_size, fields, names, values, files.
sub post_json { my ($body, %h) = @_; $t->post('/forms/feedback', content => $body,
                headers => { 'Content-Type' => 'application/json', Accept => 'application/json', %h }) }
sub stored { body_of($t->get('/admin/status'))->{forms}{feedback}{submissions} // -1 }
my %good = (name => 'Maija', email => 'maija@example.org', topic => 'parks', message => 'Hei', consent => 'yes');

$r = post_json($json->encode({ %good, message => 'm' x 40000 }));
is($r->{status}, 413, 'a form body over client_max_body_size is 413');

$r = post_json($json->encode({ %good, message => 'm' x 5001 }));
is($r->{status}, 422, 'a value over the field\'s max_length is 422');
like(body_of($r)->{errors}{message} // '', qr/5000/, 'its error names the limit');

$r = post_json($json->encode({ %good, other_topic => 'o' x 1001 }));
is($r->{status}, 422, 'a one-line field without max_length is held to 1000 characters');
ok(exists body_of($r)->{errors}{other_topic}, 'and the error is on that field');

$r = post_json($json->encode({ %good, map { ("f$_" => 'x') } 1 .. 1001 }));
is($r->{status}, 400, 'more than 1000 fields in one body is 400');
like(body_of($r)->{error} // '', qr/too many/, 'saying so');

$r = post_json($json->encode({ %good, ('n' x 257) => 'x' }));
is($r->{status}, 400, 'a field name over 256 bytes is 400');
like(body_of($r)->{error} // '', qr/field name/, 'saying so');

my $boundary = 'limitsBoundary42';
my $png = png_bytes();
$r = $t->post('/forms/feedback',
    content => multipart($boundary, %good, _token => token_of($t->get('/forms/feedback')->{content}), photo => { filename => 'big.png', type => 'image/png', content => $png . ("\0" x 6000) }),
    headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary", Accept => 'application/json' });
is($r->{status}, 422, 'a file over the field\'s max_size is 422');
ok(exists body_of($r)->{errors}{photo}, 'and the error is on the file field');

$r = $t->post('/forms/feedback',
    content => multipart($boundary, %good, _token => token_of($t->get('/forms/feedback')->{content}), photo => { filename => ('f' x 1025) . '.png', type => 'image/png', content => $png }),
    headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary", Accept => 'application/json' });
is($r->{status}, 400, 'a file name over 1024 bytes is 400');

$r = post_json($json->encode(\%good), 'Idempotency-Key' => 'k' x 256);
is($r->{status}, 400, 'an Idempotency-Key over 255 characters is 400');
# Accepted alike or refused alike (issue 11): an empty key, two keys.
$r = post_json($json->encode(\%good), 'Idempotency-Key' => '');
is($r->{status}, 400, 'an empty Idempotency-Key is 400');
is(body_of($r)->{field}, 'Idempotency-Key', '... naming the header');
$r = post_json($json->encode(\%good), 'Idempotency-Key' => ['key-1', 'key-2']);
is($r->{status}, 400, 'two Idempotency-Key headers are 400');
like(body_of($r)->{error} // '', qr/send Idempotency-Key once/, '... saying to send it once');
$r = $t->post('/forms/feedback', content => $json->encode(\%good),
              headers => { 'Content-Type' => 'application/json; charset=iso-8859-1', Accept => 'application/json' });
is($r->{status}, 415, 'a form body in another charset than UTF-8 is 415');

is(stored(), 0, 'none of these stored a submission');

# The admin API takes each query parameter once, as the feeds do, and its
# bodies in UTF-8 only.
$r = $t->get('/admin/forms/feedback/submissions.csv?since=1&since=2');
is($r->{status}, 400, 'submissions.csv?since=1&since=2 is 400');
is(body_of($r)->{field}, 'since', '... naming since');
like(body_of($r)->{error} // '', qr/since is given more than once/, '... given more than once');
is($t->get('/admin/forms/feedback/submissions?limit=5&limit=6')->{status}, 400, 'so is limit twice in the list');
is($t->get('/admin/forms/feedback/submissions.csv?delimiter=%3B')->{status}, 200, 'an encoded delimiter is decoded');
is($t->get('/admin/forms/feedback/submissions.csv?delimiter=%3B%3B')->{status}, 400, 'and then checked');
$r = $t->put('/admin/calendars/culture/events/e1', content => '{"name":{"fi":"x"},"start_time":"2026-12-01"}',
             headers => { 'Content-Type' => 'application/json; charset=latin1' });
is($r->{status}, 415, 'an admin PUT in latin1 is 415');
like(body_of($r)->{error} // '', qr/UTF-8/, '... asking for UTF-8');
$r = $t->post('/admin/calendars/culture/events', content => "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
              headers => { 'Content-Type' => 'text/calendar; charset=windows-1252' });
is($r->{status}, 415, 'an import in windows-1252 is 415');
$r = $t->post('/admin/calendars/culture/events', content => '[]',
              headers => { 'Content-Type' => 'application/json; charset="UTF-8"' });
is($r->{status}, 200, 'charset=UTF-8 is taken');
is($t->get('/calendars/culture/events/e1.json')->{status}, 404, 'and the refused writes wrote nothing');
$r = post_json($json->encode(\%good));
is($r->{status}, 201, 'a submission within every limit is taken');
is(stored(), 1, 'and stored');

is($t->get('/forms/' . ('f' x 300))->{status}, 404, 'a form name of any length is simply not found');

ok(!$t->unexpected_errors, 'error.log has no unexpected [alert], [crit] or [emerg]') or diag($t->tail_logs);
is_deeply([$t->sanitizer_reports], [], 'no sanitizer reports');
$t->finish;
done_testing;
