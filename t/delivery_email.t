# Delivery of submissions by e-mail (issue 14): the case worker's summary
# (no answers) and full message, and the citizen's confirmation in the
# submission's language, through an SMTP sink the test starts; every message
# read back with Python's email package, with hostile answers in the fields.
use strict;
use warnings;
use utf8;
use lib 't/lib';
use Test::More;
use JSON::PP;
use Encode qw(encode_utf8);
use Civic::Test;
use Civic::Receivers;

my $t = Civic::Test->new(workers => 2);
my $sink = Civic::Receivers->start(kind => 'smtp');
my $smtp_port = $sink->port;

sub config {
    my ($smtp) = @_;
    $t->set_config(http => encode_utf8(<<"END"));
    $smtp
    civic_store %%STORE%%;
    civic_form hakemus {
        languages fi sv da en;
        title fi "Hakemus"; title sv "Ansökan"; title da "Ansøgning"; title en "Application";
        json_submissions on;
        deliver email to=kirjaamo\@example.fi;
        deliver email to=kasittelija\@example.fi content=full;
        confirm_email field=email;
        field name text { required; label fi "Nimi"; label en "Name"; }
        field email email { label fi "Sähköposti"; label en "E-mail"; }
        field message textarea { max_length 20000; label fi "Viesti"; label en "Message"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
}

# E-mail needs a relay.
config('');
my ($rc, $out) = $t->test_config;
isnt($rc, 0, 'nginx -t refuses e-mail delivery without civic_smtp');
like($out, qr/civic_form "hakemus": deliver email needs civic_smtp in the http\{\} block/, 'and says what is missing');
config("civic_smtp smtp://relay.example.fi:587 from=noreply\@example.fi starttls=off;");
($rc, $out) = $t->test_config;
like($out, qr/civic_smtp: .*starttls/, 'nginx -t refuses starttls=off to another machine');

config("civic_smtp smtp://127.0.0.1:$smtp_port from=noreply\@example.fi starttls=off;");
($rc, $out) = $t->test_config;
is($rc, 0, 'nginx -t passes with a relay on this machine') or diag($out);
$t->start;

# Text fields refuse control characters; a textarea keeps line breaks, so a
# hostile answer there tries to start headers of its own.
my $hostile_name = "Matti Meikäläinen";
my $long = 'pitkä ' x 2000;
my %sent;
for my $lang (qw(fi sv da en)) {
    my $r = $t->post("/forms/hakemus?lang=$lang", headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({
                         name => $hostile_name, email => "asukas.$lang\@example.fi",
                         message => "Åsa Ærø Øre 😀\nBcc: evil\@attacker.example\nSubject: injected\n\n.\n$long" }));
    is($r->{status}, 201, "a submission in $lang") or diag($r->{content});
    $sent{$lang} = decode_json($r->{content})->{receipt};
}
# One without an address: no confirmation.
my $quiet = $t->post('/forms/hakemus', headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({ name => 'Anonyymi' }));
is($quiet->{status}, 201, 'a submission without an address');

# 4 x 3 messages, and 2 for the one without an address.
ok(Civic::Receivers::wait_until(sub { scalar($sink->mails) >= 14 }, 30), 'every message reached the relay')
    or diag(scalar($sink->mails) . " messages");
sleep 1;
is(scalar($sink->mails), 14, 'and no more');

# Each message as Python's email package reads it.
my $reader = <<'PY';
import email, email.policy, json, sys
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=email.policy.default)
print(json.dumps({
  "headers": sorted(set(k.lower() for k in m.keys())),
  "subject": str(m["subject"]), "to": str(m["to"]), "from": str(m["from"]),
  "language": str(m["content-language"]), "message_id": str(m["message-id"]),
  "defects": len(m.defects) + sum(len(p.defects) for p in m.walk()),
  "body": m.get_content(), "longest": max(len(l) for l in raw.split(b"\r\n")),
}))
PY
my @mails;
for my $m ($sink->mails) {
    my ($prc, $json, $err) = Civic::Test::run_command(['/usr/bin/python3', '-c', $reader, $m->{path}]);
    is($prc, 0, "$m->{path} reads") or diag($err);
    my $d = decode_json($json);
    $d->{rcpt} = $m->{envelope}{rcpt_tos};
    push @mails, $d;
}
is((grep { $_->{defects} } @mails), 0, 'no message has a defect');
is((grep { $_->{longest} > 998 } @mails), 0, 'no line is longer than SMTP allows');
is((grep { grep { $_ eq 'bcc' } @{ $_->{headers} } } @mails), 0, 'no answer became a header');
is((grep { $_->{from} ne 'noreply@example.fi' } @mails), 0, 'all from civic_smtp from=');
my %ids = map { $_->{message_id} => 1 } @mails;
is(scalar keys %ids, 14, 'each with its own Message-ID');

my %title = (fi => 'Hakemus', sv => 'Ansökan', da => 'Ansøgning', en => 'Application');
my %received = (fi => 'Olemme vastaanottaneet', sv => 'Vi har tagit emot', da => 'Vi har modtaget', en => 'We have received');
for my $lang (qw(fi sv da en)) {
    my $receipt = $sent{$lang};
    my @mine = grep { index($_->{body}, $receipt) >= 0 } @mails;
    is(scalar @mine, 3, "$lang: three messages name $receipt");
    my ($confirm) = grep { $_->{to} eq "asukas.$lang\@example.fi" } @mine;
    ok($confirm, "$lang: the citizen's confirmation") or next;
    is_deeply($confirm->{rcpt}, ["asukas.$lang\@example.fi"], "$lang: sent to their address");
    is($confirm->{language}, $lang, "$lang: in their language");
    like($confirm->{subject}, qr/\Q$title{$lang}\E/, "$lang: its subject names the form in $lang");
    like($confirm->{body}, qr/\Q$received{$lang}\E/, "$lang: its text is in $lang");
    unlike($confirm->{body}, qr/Matti|Åsa|pitkä/, "$lang: it never echoes the answers");
    my ($summary) = grep { $_->{to} eq 'kirjaamo@example.fi' } @mine;
    ok($summary, "$lang: the case worker's summary") or next;
    is($summary->{language}, 'fi', "$lang: the summary in the form's first language");
    like($summary->{body}, qr{GET /admin/forms/hakemus/submissions/\Q$receipt\E}, "$lang: it says where to fetch it");
    unlike($summary->{body}, qr/Matti|Åsa|pitkä|asukas/, "$lang: no personal data in it");
    my ($full) = grep { $_->{to} eq 'kasittelija@example.fi' } @mine;
    ok($full, "$lang: the full message") or next;
    like($full->{body}, qr/Nimi: Matti/, "$lang: it lists the answers by label");
    like($full->{body}, qr/Åsa Ærø Øre 😀/, "$lang: non-ASCII answers intact");
    like($full->{body}, qr/(pitkä ){100}/, "$lang: the long answer is there");
    unlike($full->{subject}, qr/injected/, "$lang: an answer cannot change the subject");
}

my $status = decode_json($t->get('/admin/status')->{content});
my @d = @{ $status->{forms}{hakemus}{deliveries} };
is(scalar @d, 3, 'status lists three deliveries');
is_deeply([map { $_->{delivered} } @d], [5, 5, 4], 'each delivered as many times as it should');
like($d[2]{target}, qr/^confirmation to the address in email$/, 'the confirmation named without an address');

# A relay refusing for a while (451): tried again, then delivered.
$sink->answer('451');
my $later = $t->post('/forms/hakemus', headers => { 'Content-Type' => 'application/json' },
                     content => encode_json({ name => 'Myöhemmin' }));
is($later->{status}, 201, 'a submission while the relay refuses');
ok(Civic::Receivers::wait_until(sub {
    my $s = decode_json($t->get('/admin/status')->{content});
    ($s->{forms}{hakemus}{deliveries}[0]{last_error} // {})->{text};
}), 'the 451 shows as the last error');
$sink->answer('ok');
ok(Civic::Receivers::wait_until(sub { scalar($sink->mails) >= 16 }, 30), 'delivered once the relay takes mail again');

$t->expect_errors(qr/civic: delivery:/);
$t->finish;
done_testing;
