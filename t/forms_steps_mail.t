#!/usr/bin/perl
# Save and return with civic_smtp: the saved page offers to e-mail the
# resume link, the message reaches the relay in the page's language with
# the link, and a relay that is down is said on the page, the draft kept.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(decode_utf8);
use JSON::PP qw(decode_json);
use Test::More;
use Civic::Test;
use Civic::Browser;
use Civic::Receivers;

my $sink = Civic::Receivers->start(kind => 'smtp');
my $smtp_port = $sink->port;
my $t = Civic::Test->new(http => <<"END");
    civic_store %%STORE%%;
    civic_smtp smtp://127.0.0.1:$smtp_port from=noreply\@example.fi starttls=off;
    civic_form permit {
        title fi "Tapahtumailmoitus";
        title en "Event notice";
        languages fi en;
        min_fill_time 0;
        save_and_return on ttl=7d;
        step who  { fields name; }
        step what { fields place; }
        field name text { required; label fi "Nimi"; label en "Name"; }
        field place text { required; label fi "Paikka"; label en "Place"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
    }
END
$t->start;

my $b = Civic::Browser->new($t);
$b->get('/forms/permit?lang=fi');
my $p = $b->submit(fields => [name => 'Liisa'], action => 'save');
is($p->{status}, 200, 'the saved page');
my $html = decode_utf8($p->{content});
like($html, qr/name="_email"/, 'offers to e-mail the link');
my ($link) = $html =~ /id="civic-resume-link">([^<]+)</;
$link =~ s/&amp;/&/g;

$p = $b->submit(fields => [_email => 'liisa@example.fi'], action => 'email_link');
is($p->{status}, 200, 'sending the link');
like(decode_utf8($p->{content}), qr/Linkki lähetettiin osoitteeseen liisa\@example\.fi/, 'the page says it went');
ok(Civic::Receivers::wait_until(sub { scalar($sink->mails) >= 1 }, 15), 'the message reached the relay');
my ($mail) = $sink->mails;
is_deeply($mail->{envelope}{rcpt_tos}, ['liisa@example.fi'], 'to the address typed');
my $message = Civic::Test::read_file($mail->{path});
like($message, qr/^Subject: /m, 'with a subject');
like($message, qr/Content-Language: fi/i, 'in the page\'s language');
(my $qp = $message) =~ s/=\r?\n//g;   # quoted-printable soft breaks
$qp =~ s/=3D/=/g;
like($qp, qr/\Q$link\E/, 'holding the resume link');

$p = $b->submit(fields => [_email => 'not an address'], action => 'email_link');
like(decode_utf8($p->{content}), qr/Linkkiä ei voitu lähettää/, 'an address that is not one is not sent to');

$sink->stop;
$p = $b->submit(fields => [_email => 'liisa@example.fi'], action => 'email_link');
is($p->{status}, 200, 'a relay that is down');
like(decode_utf8($p->{content}), qr/Linkkiä ei voitu lähettää/, 'is said on the page');
(my $path = $link) =~ s{^http://[^/]+}{};
$p = Civic::Browser->new($t)->get($path);
like(decode_utf8($p->{content}), qr/name="name" value="Liisa"/, 'and the draft is kept');

done_testing;
