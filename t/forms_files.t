# Files citizens send, as case workers get them back (issue 11): a field that
# takes any file stores what it is sent, but the admin API serves only a
# short list of types as themselves (raster images, PDF, plain text) and
# everything else, HTML and SVG above all, as application/octet-stream;
# and a Windows path in a multipart file name keeps only its last part.
use strict;
use warnings;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Civic::Test;
use Civic::Forms qw(multipart png_bytes jpeg_bytes token_of);

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%% max_size=64m;
    civic_form liitteet {
        languages en;
        min_fill_time 0;
        field liite file { multiple; label en "Attachment"; }
    }
    civic_form hakemus {
        languages fi en;
        min_fill_time 0;
        field nimi text { required; label fi "Nimi"; label en "Name"; }
        field liite file { label fi "Liite"; label en "Attachment"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

my $pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
my @files = (
    # [file name as sent, content, the type it is served with]
    ['kuva.png', png_bytes(), 'image/png'],
    ['kuva.jpg', jpeg_bytes(), 'image/jpeg'],
    ['lomake.pdf', $pdf, 'application/pdf'],
    ['muistio.txt', "Hei tässä muistio\n" x 20, 'text/plain'],
    ['sivu.html', "<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n",
     'application/octet-stream'],
    ['kuva.svg', qq{<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="1"/></svg>\n},
     'application/octet-stream'],
    ['sivu.xhtml', qq{<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>\n},
     'application/octet-stream'],
    ['data.xml', qq{<?xml version="1.0"?>\n<data><a>1</a></data>\n}, 'application/octet-stream'],
);

my $b = 'civicFilesBoundary';
my $token = token_of($t->get('/forms/liitteet')->{content});
my $r = $t->post('/forms/liitteet', headers => { 'Content-Type' => "multipart/form-data; boundary=$b", Accept => 'application/json' },
                 content => multipart($b, _token => $token,
                                      map { (liite => { filename => $_->[0], type => 'text/html', content => $_->[1] }) } @files));
is($r->{status}, 201, 'a submission with eight files of many kinds') or diag($r->{content});
my $receipt = decode_json($r->{content})->{receipt};

for my $i (0 .. $#files) {
    my ($name, $content, $served) = @{ $files[$i] };
    my $f = $t->get("/admin/forms/liitteet/submissions/$receipt/files/liite?index=$i");
    is($f->{status}, 200, "$name is there");
    is($f->{headers}{'content-type'}, $served, "$name is served as $served");
    is($f->{headers}{'x-content-type-options'}, 'nosniff', '... with nosniff');
    like($f->{headers}{'content-disposition'}, qr/^attachment; filename="\Q$name\E"/, '... as an attachment named as sent');
    is($f->{content}, $content, '... byte for byte');
}

# A name with a Windows path: the part after the last backslash (or slash).
for my $case (['..\\..\\win.ini', 'win.ini'], ['C:\\Users\\Maija\\Documents\\hakemus.pdf', 'hakemus.pdf'],
              ['../../etc/passwd', 'passwd'], ['kansio/kuva.png', 'kuva.png']) {
    my ($sent, $kept) = @$case;
    $token = token_of($t->get('/forms/liitteet')->{content});
    $r = $t->post('/forms/liitteet', headers => { 'Content-Type' => "multipart/form-data; boundary=$b", Accept => 'application/json' },
                  content => multipart($b, _token => $token, liite => { filename => $sent, type => 'application/pdf', content => $pdf }));
    is($r->{status}, 201, "a file named $sent") or diag($r->{content});
    my $stored = decode_json($t->get('/admin/forms/liitteet/submissions/' . decode_json($r->{content})->{receipt})->{content});
    is($stored->{data}{liite}[0]{filename}, $kept, "is stored as $kept");
}

# A form sent back with errors says which files to attach again (issue 12):
# a browser cannot fill a file input again.
$token = token_of($t->get('/forms/hakemus')->{content});
$r = $t->post('/forms/hakemus?lang=fi', headers => { 'Content-Type' => "multipart/form-data; boundary=$b" },
              content => multipart($b, _token => $token, nimi => '',
                                   liite => { filename => 'hakemus.pdf', type => 'application/pdf', content => $pdf }));
is($r->{status}, 422, 'a form with an error and a good file: 422');
like($r->{content}, qr{<p id="f-liite-reattach" class="civic-reattach">Liitit tiedoston hakemus.pdf. Liitä se uudelleen},
     'the page says which file to attach again');
like($r->{content}, qr{aria-describedby="[^"]*f-liite-reattach}, 'tied to the file input');

$t->finish;
done_testing;
