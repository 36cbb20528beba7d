# The admin API over a form's submissions: the list and its cursor (also
# while submissions arrive), one submission, its files, the CSV and XML
# exports (formula injection, well-formed XML, streamed in several chunks),
# erasure (nothing of it through the API or civicctl afterwards), and
# civicctl submissions / verify / stat over the same store.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use Encode qw(decode_utf8 encode_utf8);
use JSON::PP;
use POSIX ();
use IO::Handle;
use Socket ();
use Civic::Test;
use Civic::Forms qw(feedback_form token_of multipart png_bytes);

my $t = Civic::Test->new(workers => 2, http => <<"END" . feedback_form() . <<"END2");
    civic_store %%STORE%% max_size=64m;
    client_max_body_size 64k;
END
    server {
        # A small send buffer: exports outrun the client, so the next chunk
        # waits for the client to take the last one (backpressure).
        listen %%ADDR%% sndbuf=4k;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END2
$t->start;

my $json = JSON::PP->new->utf8->canonical;
my %good = (name => 'Matti Meikäläinen', email => 'matti@example.fi', topic => 'roads',
            message => 'Kuoppa kadulla', consent => JSON::PP::true);

sub submit {
    my (%over) = @_;
    my $r = $t->post('/forms/feedback', headers => { 'Content-Type' => 'application/json' },
                     content => $json->encode({ %good, %over }));
    return $r->{status} == 201 ? decode_json($r->{content})->{receipt} : die "submit: $r->{status} $r->{content}\n";
}

sub get_json {
    my ($path) = @_;
    my $r = $t->get($path);
    return ($r, eval { decode_json($r->{content}) });
}

# python3 (Debian's, with its csv and xml modules) reads what we export.
sub python {
    my ($code, $input) = @_;
    my ($status, $out, $err) = Civic::Test::run_command(['/usr/bin/python3', '-c', $code], input => $input);
    return ($status, $out, $err);
}

# --- empty form
my ($r, $body) = get_json('/admin/forms/feedback/submissions');
is($r->{status}, 200, 'list of a form without submissions: 200');
is_deeply($body, { data => [], next_since => 0 }, 'empty data, next_since 0');
($r, $body) = get_json('/admin/forms/nosuch/submissions');
is($r->{status}, 404, 'an unknown form: 404');
is($body->{field}, 'form', 'naming the form');
for my $bad ('since=x', 'since=-1', 'limit=0', 'limit=1001', 'limit=abc') {
    ($r, $body) = get_json("/admin/forms/feedback/submissions?$bad");
    is($r->{status}, 400, "?$bad: 400");
    my ($name) = $bad =~ /^(\w+)/;
    is($body->{field}, $name, "naming $name");
}

# --- three submissions, one with a file
my @receipts = (submit(message => 'ensimmäinen'), submit(message => '=HYPERLINK("http://evil.example","klikkaa")'));
my $boundary = 'adminTestBoundary';
my $page = $t->get('/forms/feedback');
my $mp = multipart($boundary, name => 'Liisa', email => 'liisa@example.fi', topic => 'parks',
                   message => "rivi 1\r\nrivi 2; \"lainaus\"", consent => 'yes', _token => token_of($page->{content}),
                   photo => { filename => encode_utf8('kuva 1;ä.png'), type => 'image/png', content => png_bytes() });
$r = $t->post('/forms/feedback', headers => { 'Content-Type' => "multipart/form-data; boundary=$boundary",
                                              Accept => 'application/json' }, content => $mp);
is($r->{status}, 201, 'a submission with a file') or diag($r->{content});
push @receipts, decode_json($r->{content})->{receipt};

($r, $body) = get_json('/admin/forms/feedback/submissions');
is($r->{status}, 200, 'list: 200');
is($r->{headers}{'content-type'}, 'application/json', 'as JSON');
is_deeply([map { $_->{receipt} } @{ $body->{data} }], \@receipts, 'every submission, oldest first');
is_deeply([map { $_->{seq} } @{ $body->{data} }], [1, 2, 3], 'with their seq');
is($body->{next_since}, 3, 'next_since is the last seq');
is($body->{data}[0]{data}{message}, 'ensimmäinen', 'the values as submitted');
is($body->{data}[0]{form}, 'feedback', 'and the form');

($r, $body) = get_json('/admin/forms/feedback/submissions?since=1&limit=1');
is_deeply([map { $_->{seq} } @{ $body->{data} }], [2], 'since=1&limit=1: the second only');
is($body->{next_since}, 2, 'next_since 2');
($r, $body) = get_json('/admin/forms/feedback/submissions?since=3');
is_deeply($body, { data => [], next_since => 3 }, 'since the last: nothing, next_since stays');

# --- one submission
($r, $body) = get_json("/admin/forms/feedback/submissions/$receipts[0]");
is($r->{status}, 200, 'one submission: 200');
is($body->{receipt}, $receipts[0], 'the one asked for');
is($body->{data}{name}, 'Matti Meikäläinen', 'with its values');
($r, $body) = get_json('/admin/forms/feedback/submissions/PAL-2026-999999');
is($r->{status}, 404, 'an unknown receipt: 404');
is($body->{field}, 'receipt', 'naming the receipt');
($r, $body) = get_json('/admin/forms/feedback/submissions/..%2F..%2Fetc');
is($r->{status}, 404, 'a receipt that is no receipt: 404');
$r = $t->request('PUT', "/admin/forms/feedback/submissions/$receipts[0]", content => '{}');
is($r->{status}, 405, 'PUT on a submission: 405');
like($r->{headers}{allow}, qr/DELETE/, 'Allow names DELETE');

# --- its file
my $with_file = $receipts[2];
($r, $body) = get_json("/admin/forms/feedback/submissions/$with_file");
my $meta = $body->{data}{photo}[0];
is($meta->{content_type}, 'image/png', 'the file is listed with its type');
$r = $t->get("/admin/forms/feedback/submissions/$with_file/files/photo");
is($r->{status}, 200, 'the file: 200');
is($r->{content}, png_bytes(), 'its bytes as stored');
is($r->{headers}{'content-type'}, 'image/png', 'with the stored content type');
my $cd = $r->{headers}{'content-disposition'};
like($cd, qr/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9%!#\$&+\-.^_`|~]+$/,
     'a Content-Disposition with no quote or backslash inside the quoted name');
like($cd, qr/filename\*=UTF-8''kuva%201%3B%C3%A4\.png$/, 'and the real name percent-encoded (RFC 6266)');
like($cd, qr/filename="kuva 1;_+\.png"/, 'non-ASCII replaced in the plain name');
is($r->{headers}{'x-content-type-options'}, 'nosniff', 'nosniff');
$r = $t->get("/admin/forms/feedback/submissions/$with_file/files/photo?index=1");
is($r->{status}, 404, 'a file index that is not there: 404');
($r, $body) = get_json("/admin/forms/feedback/submissions/$with_file/files/photo?index=x");
is($r->{status}, 400, 'a file index that is no number: 400');
is($body->{field}, 'index', 'naming the index');
$r = $t->get("/admin/forms/feedback/submissions/$receipts[0]/files/photo");
is($r->{status}, 404, 'a submission without that file: 404');
$r = $t->get("/admin/forms/feedback/submissions/$with_file/files/name");
is($r->{status}, 404, 'a field that is no file field: 404');

# --- CSV
$r = $t->get('/admin/forms/feedback/submissions.csv');
is($r->{status}, 200, 'CSV: 200');
like($r->{headers}{'content-type'}, qr{^text/csv; charset=utf-8$}, 'text/csv in UTF-8');
like($r->{headers}{'content-disposition'}, qr/^attachment; filename="feedback\.csv"$/, 'as feedback.csv');
my $csv = $r->{content};
like($csv, qr/\A[^\n]*\r\n/, 'CR LF line ends');
my $reader = 'import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin.read().splitlines(keepends=True), delimiter=sys.argv[1] if len(sys.argv)>1 else ",")), ensure_ascii=False))';
my ($st, $out) = python('import csv,io,sys,json; d=sys.stdin.buffer.read().decode("utf-8"); '
                        . 'print(json.dumps(list(csv.reader(io.StringIO(d, newline=""))), ensure_ascii=True))', $csv);
is($st, 0, 'python csv reads it');
my $rows = decode_json($out);
is_deeply($rows->[0], [qw(receipt seq created_time created_local language name email topic other_topic message postcode hetu
                            photo consent), 'photo (link)'],
          'a header row: the meta columns, the form\'s fields in its order, a link column per file field');
like($rows->[1][3], qr/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'the local time of each submission');
is(scalar @$rows, 4, 'and one row per submission');
is($rows->[1][0], $receipts[0], 'receipts in the first column');
is($rows->[2][9], q{'=HYPERLINK("http://evil.example","klikkaa")}, 'a formula is neutralised with a leading apostrophe');
my $stored = decode_json($t->get("/admin/forms/feedback/submissions/$receipts[2]")->{content})->{data}{message};
like($stored, qr/^rivi 1\r?\nrivi 2; "lainaus"$/, 'a message with a line break, quotes and ;');
is($rows->[3][9], $stored, 'survives the CSV as stored (RFC 4180 quoting)');
is($rows->[3][12], 'kuva 1;ä.png', 'files by their names');
like($rows->[3][14], qr{^http://127\.0\.0\.1:\d+/admin/forms/feedback/submissions/$receipts[2]/files/photo\?index=0$},
     'and a link to each file');
is($rows->[1][5], 'Matti Meikäläinen', 'UTF-8 text');

$r = $t->get('/admin/forms/feedback/submissions.csv?delimiter=%3B&since=1&limit=1');
is($r->{status}, 200, 'CSV with delimiter=;');
($st, $out) = python('import csv,io,sys,json; d=sys.stdin.buffer.read().decode("utf-8"); '
                     . 'print(json.dumps(list(csv.reader(io.StringIO(d, newline=""), delimiter=";"))))', $r->{content});
$rows = decode_json($out);
is(scalar @$rows, 2, 'since and limit apply to exports');
is($rows->[1][1], '2', 'the second submission');
like($r->{content}, qr/^\xEF\xBB\xBFreceipt;seq;/, 'separated by ;, after a byte order mark (what Excel opens)');
# For a spreadsheet (issue 12): headers and option values as labels.
$r = $t->get('/admin/forms/feedback/submissions.csv?labels=1&lang=en&limit=1');
is($r->{status}, 200, 'CSV with labels=1&lang=en');
($st, $out) = python('import csv,io,sys,json; d=sys.stdin.buffer.read().decode("utf-8"); '
                     . 'print(json.dumps(list(csv.reader(io.StringIO(d, newline="")))))', $r->{content});
$rows = decode_json($out);
is_deeply([@{ $rows->[0] }[5 .. 7]], ['Name', 'Email', 'Topic'], 'the headers are the labels in English');
is($rows->[1][7], 'Streets', 'and option values their labels');
is($t->get('/admin/forms/feedback/submissions.csv?labels=1&lang=de')->{status}, 400, 'a language the form has not: 400');
is($t->get('/admin/forms/feedback/submissions.csv?bom=2')->{status}, 400, 'bom is 0 or 1');
$r = $t->get('/admin/forms/feedback/submissions.csv?delimiter=%3B&bom=0');
like($r->{content}, qr/^receipt;/, 'bom=0: no byte order mark');
$r = $t->get('/admin/forms/feedback/submissions.csv?delimiter=tab');
is($r->{status}, 400, 'another delimiter: 400');

# --- XML
$r = $t->get('/admin/forms/feedback/submissions.xml');
is($r->{status}, 200, 'XML: 200');
like($r->{headers}{'content-type'}, qr{^application/xml}, 'application/xml');
($st, $out, my $err) = python('import sys,json,xml.etree.ElementTree as ET; root=ET.fromstring(sys.stdin.buffer.read()); '
    . 'print(json.dumps({"root":root.tag,"form":root.get("form"),"next":root.findtext("next_since"),'
    . '"subs":[{"receipt":s.get("receipt"),"seq":s.get("seq"),"message":s.findtext("data/message"),'
    . '"file":(s.find("data/photo/file").get("filename") if s.find("data/photo/file") is not None else None)} for s in root.findall("submission")]}))',
    $r->{content});
is($st, 0, 'the XML is well-formed (python xml.etree parses it)') or diag($err);
my $xml = decode_json($out);
is($xml->{root}, 'submissions', '<submissions>');
is($xml->{form}, 'feedback', 'form="feedback"');
is($xml->{next}, '3', '<next_since>');
is_deeply([map { $_->{receipt} } @{ $xml->{subs} }], \@receipts, 'one <submission receipt=...> each, oldest first');
is($xml->{subs}[1]{message}, '=HYPERLINK("http://evil.example","klikkaa")', 'text as submitted (escaped by libxml2)');
is($xml->{subs}[2]{message}, "rivi 1\nrivi 2; \"lainaus\"", 'line breaks kept (XML normalises CR LF)');
is($xml->{subs}[2]{file}, 'kuva 1;ä.png', 'files as <file filename=...>');

# --- the cursor while submissions arrive: no gaps, no repeats
my $writers = 4;
my $each = 40;
my @kids;
for my $w (1 .. $writers) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 30);
        for my $i (1 .. $each) {
            my $res = $http->post($t->url('/forms/feedback'), { headers => { 'Content-Type' => 'application/json' },
                                  content => $json->encode({ %good, message => "w$w-$i " . ('x' x 2000) }) });
            POSIX::_exit(1) unless $res->{status} == 201;
        }
        POSIX::_exit(0);
    }
    push @kids, $pid;
}
my (@seen, $since, %exit, $running);
$since = 3;
do {
    for my $k (grep { !exists $exit{$_} } @kids) {
        $exit{$k} = $? if waitpid($k, POSIX::WNOHANG()) == $k;
    }
    $running = grep { !exists $exit{$_} } @kids;
    ($r, $body) = get_json("/admin/forms/feedback/submissions?since=$since&limit=7");
    die "poll: $r->{status}\n" unless $r->{status} == 200;
    push @seen, map { $_->{seq} } @{ $body->{data} };
    $since = $body->{next_since};
} while ($running || @{ $body->{data} });
ok(!grep({ $exit{$_} != 0 } @kids), "$writers writers submitted $each each");
is(scalar @seen, $writers * $each, 'polling with next_since saw every new submission');
is_deeply(\@seen, [4 .. 3 + $writers * $each], 'in seq order, no gap, no repeat');

# --- a larger export goes out in several chunks (64 submissions each) and is whole
$r = $t->get('/admin/forms/feedback/submissions.csv');
my @lines = split /\r\n/, decode_utf8($r->{content});
is(scalar(grep { /^PAL-/ } @lines), 3 + $writers * $each, 'the whole CSV of ' . (3 + $writers * $each) . ' submissions');
is($r->{headers}{'transfer-encoding'}, 'chunked', 'streamed (chunked, no Content-Length)');
$r = $t->get('/admin/forms/feedback/submissions.xml?since=100');
($st, $out) = python('import sys,xml.etree.ElementTree as ET; r=ET.fromstring(sys.stdin.buffer.read()); '
                     . 'print(len(r.findall("submission")), r.findtext("next_since"))', $r->{content});
is($out, (3 + $writers * $each - 100) . ' ' . (3 + $writers * $each) . "\n", 'the XML from since=100 on, well-formed');
# A client that reads nothing for a while, then everything: the export waits
# for it and is whole.
{
    # A small receive buffer, set before connecting so that the window stays small.
    socket(my $sock, Socket::PF_INET(), Socket::SOCK_STREAM(), 0) or die "socket: $!";
    setsockopt($sock, Socket::SOL_SOCKET(), Socket::SO_RCVBUF(), 4096) or die "setsockopt: $!";
    connect($sock, Socket::pack_sockaddr_in($t->port, Socket::inet_aton('127.0.0.1'))) or die "connect: $!";
    $sock->autoflush(1);
    print $sock "GET /admin/forms/feedback/submissions.xml HTTP/1.0\r\nHost: x\r\n\r\n";
    sleep 2;
    local $/;
    my $answer = <$sock>;
    my ($head, $xmlbody) = split /\r\n\r\n/, $answer, 2;
    like($head, qr{^HTTP/1.1 200}, 'a slow HTTP/1.0 client gets 200');
    ($st, $out) = python('import sys,xml.etree.ElementTree as ET; r=ET.fromstring(sys.stdin.buffer.read()); '
                         . 'print(len(r.findall("submission")))', $xmlbody);
    is($out, (3 + $writers * $each) . "\n", 'and the whole export, well-formed, to the end');
}
$r = $t->head('/admin/forms/feedback/submissions.csv');
is($r->{status}, 200, 'HEAD on an export: 200');
is($r->{content} // '', '', 'without a body');

# --- erasure
my $victim = $receipts[2];
$r = $t->delete("/admin/forms/feedback/submissions/$victim");
is($r->{status}, 204, 'DELETE: 204');
like($t->error_log, qr/${\ Civic::Test::log_level('notice')}.*civic: erased submission \Q$victim\E of form "feedback"/,
     'the erasure is logged at [notice], with what was erased');
$r = $t->get("/admin/forms/feedback/submissions/$victim");
is($r->{status}, 404, 'afterwards the submission is gone');
$r = $t->get("/admin/forms/feedback/submissions/$victim/files/photo");
is($r->{status}, 404, 'and its file');
($r, $body) = get_json('/admin/forms/feedback/submissions?limit=5');
is_deeply([map { $_->{seq} } @{ $body->{data} }], [1, 2, 4, 5, 6], 'the list skips it');
$r = $t->get('/admin/forms/feedback/submissions.csv');
unlike($r->{content}, qr/\Q$victim\E|Liisa|lainaus/, 'the CSV has nothing of it');
$r = $t->get('/admin/forms/feedback/submissions.xml');
unlike($r->{content}, qr/\Q$victim\E|Liisa|lainaus/, 'nor the XML');
$r = $t->delete("/admin/forms/feedback/submissions/$victim");
is($r->{status}, 404, 'a second DELETE: 404');
my $next = submit(message => 'after the erasure');
($r, $body) = get_json("/admin/forms/feedback/submissions/$next");
is($body->{seq}, 3 + $writers * $each + 1, 'seq numbers are never reused');

# --- civicctl over the same store while nginx runs
my ($cs, $cout, $cerr) = $t->civicctl('submissions', 'feedback');
is($cs, 0, 'civicctl submissions: exit 0') or diag($cerr);
my @objs = map { decode_json($_) } grep { length } split /\n/, $cout;
is(scalar @objs, 3 + $writers * $each, 'one JSON line per submission left');
unlike($cout, qr/\Q$victim\E|Liisa/, 'nothing of the erased one');
($cs, $cout) = $t->civicctl('submissions', 'feedback', '--since', '160');
is(scalar(grep { length } split /\n/, $cout), 4, '--since 160: the four after it');
($cs, $cout, $cerr) = $t->civicctl('submissions', 'feedback', '--csv');
is($cs, 0, 'civicctl submissions --csv: exit 0') or diag($cerr);
like($cout, qr/\Areceipt,seq,created_time,language,name,/, 'a CSV with the header row');
like($cout, qr/'=HYPERLINK/, 'neutralised there too');
($cs, $cout, $cerr) = $t->civicctl('verify');
is($cs, 0, 'civicctl verify: exit 0 on a consistent store') or diag("$cout$cerr");
($cs, $cout) = $t->civicctl('stat');
my $stat = decode_json($cout);
is($stat->{forms}{feedback}{submissions}, 3 + $writers * $each, 'civicctl stat counts the form\'s submissions');
($r, $body) = get_json('/admin/status');
is($body->{forms}{feedback}{submissions}, 3 + $writers * $each, '/admin/status counts them');
like($body->{forms}{feedback}{oldest_age_seconds} // 'none', qr/^\d+$/, 'and gives the oldest one\'s age in seconds');
cmp_ok($body->{forms}{feedback}{oldest_age_seconds} // -1, '<', 600, '... of this test\'s first submission');
is($body->{forms}{feedback}{retention_seconds}, 30 * 86400, 'and the retention');
($cs, undef, $cerr) = $t->civicctl('submissions', 'nosuch');
isnt($cs, 0, 'civicctl submissions of an unknown form fails');
like($cerr, qr/nosuch/, 'naming it');

done_testing();
