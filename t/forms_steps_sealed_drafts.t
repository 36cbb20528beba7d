#!/usr/bin/perl
# Drafts encrypted at rest (issue 16): the answers and files of a draft are
# nowhere in the store's raw bytes, before or after the form is sent; the
# key exists only in the citizen's reference (cookie, page, resume link),
# which still resumes the draft with its answers, and a reference with a
# changed byte opens nothing.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode_utf8 decode_utf8);
use JSON::PP qw(decode_json);
use Test::More;
use Civic::Test;
use Civic::Browser;

my $t = Civic::Test->new(http => encode_utf8(<<"END"));
    civic_store %%STORE%%;
    civic_form permit {
        title en "Event permit";
        languages en;
        min_fill_time 0;
        check_answers on;
        save_and_return on ttl=30d;
        step who   { fields name code; }
        step what  { fields kind plan; }
        step extra { fields guards; show_if kind=festival; }
        field name text { required; label en "Name"; }
        field code text { label en "Code"; }
        field kind radios { required; label en "Kind"; option concert en "Concert"; option festival en "Festival"; }
        field plan file { max_size 5k; accept text/plain; label en "Plan"; }
        field guards text { label en "Guards"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub html { decode_utf8($_[0]{content}) }
# Which of `@strings` are in the store's data.mdb as raw bytes.
sub in_store {
    my $bytes = Civic::Test::read_file($t->store . '/data.mdb');
    return [grep { index($bytes, encode_utf8($_)) >= 0 } @_];
}

# Answers only a draft ever holds (changed or left on a hidden step before
# the form is sent), and answers the submission keeps.
my @draft_only = ('Canary-Code-4711', 'FILE-CANARY-8u2k', 'canary-plan.txt', 'Guard-Canary-99');
my @sent = ('Zyxwvu Qwertyson');

my $b = Civic::Browser->new($t);
$b->get('/forms/permit?lang=en');
my $p = $b->submit(fields => [name => 'Zyxwvu Qwertyson', code => 'Canary-Code-4711'], action => 'continue');
my $cookie = $p->{redirected_from}{headers}{'set-cookie'};
like($cookie, qr/^civic_draft=[A-Za-z0-9_-]{86}; Path=\/forms\/permit;/, 'the cookie carries the 86-character reference');
ok(length($cookie) < 200, 'well under the 4 KB a cookie may have');
$p = $b->submit(fields => [kind => 'festival',
                           plan => { filename => 'canary-plan.txt', type => 'text/plain',
                                     content => "FILE-CANARY-8u2k\n" . ("plan line\n" x 20) }],
                action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=extra/, 'on to the festival step') or diag($p->{status}, html($p) =~ /(civic-error">[^<]*)/);
$p = $b->submit(fields => [guards => 'Guard-Canary-99'], action => 'save');
like($p->{redirected_from}{headers}{location}, qr/step=saved/, 'saved');
my ($link) = html($p) =~ /id="civic-resume-link">([^<]+)</;
$link =~ s/&amp;/&/g;
like($link, qr/&draft=[A-Za-z0-9_-]{86}$/, 'the resume link carries the reference');

is_deeply(in_store(@draft_only, @sent), [], 'no answer, file name or file content of the draft is in the store');

my $drafts = decode_json($t->get('/admin/forms/permit/drafts')->{content})->{data};
is(scalar @$drafts, 1, 'the admin listing has the draft');
is($drafts->[0]{values} > 0 && $drafts->[0]{files}, 1, 'with its counts');
unlike(encode_utf8(JSON::PP->new->encode($drafts)), qr/Zyxwvu|Canary|canary/i, 'and no answers');
my ($rc, $out, $err) = $t->civicctl('drafts', 'permit');
is($rc, 0, 'civicctl drafts lists it') or diag($out, $err);
unlike($out, qr/Zyxwvu|anary/, 'without answers');
($rc, $out, $err) = $t->civicctl('verify');
is($rc, 0, 'civicctl verify passes with encrypted drafts') or diag($out, $err);

# --- Resuming: the reference opens the answers ---------------------------
(my $path = $link) =~ s{^http://[^/]+}{};
my $later = Civic::Browser->new($t);
$p = $later->get($path);
is($p->{status}, 200, 'the resume link opens the draft');
like(html($p), qr/name="guards" value="Guard-Canary-99"/, 'on the step saved from, with its answer');
$p = $later->get('/forms/permit?lang=en&step=who');
like(html($p), qr/name="name" value="Zyxwvu Qwertyson"/, 'earlier answers too');
$p = $later->get('/forms/permit?lang=en&step=what');
like(html($p), qr/Attached: canary-plan\.txt/, 'and the file');

# A reference whose key part is changed: its MAC fails, nothing is opened.
my ($ref) = $link =~ /draft=([A-Za-z0-9_-]+)$/;
my $changed = $ref;
substr($changed, 40, 1) = substr($ref, 40, 1) eq 'A' ? 'B' : 'A';   # in the key's bytes
$p = Civic::Browser->new($t)->get("/forms/permit?lang=en&draft=$changed");
is($p->{status}, 404, 'a reference with a changed key finds nothing');
like(html($p), qr/Start the form again/, 'and offers a new start');

# --- Change answers, replace the file, leave the festival, and send ---------
$p = $later->get('/forms/permit?lang=en&step=who');
$p = $later->submit(fields => [name => 'Zyxwvu Qwertyson', code => 'Final-Code-1'], action => 'continue');
$p = $later->submit(fields => [kind => 'concert',
                               plan => { filename => 'final-plan.txt', type => 'text/plain', content => 'Final plan' }],
                    action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=check/, 'a concert goes to the check page');
is_deeply(in_store(@draft_only, @sent), [], 'still nothing of the draft in the store');
$p = $later->submit(action => 'submit');
is($p->{status}, 201, 'sent');
my $data = decode_json($t->get('/admin/forms/permit/submissions')->{content})->{data}[0]{data};
is($data->{code}, 'Final-Code-1', 'the submission has the answers as last changed');
is_deeply(in_store('Final-Code-1'), ['Final-Code-1'], 'the submission is stored readable (the form has no seal)');
is_deeply(in_store(@draft_only), [], 'what only the draft held is nowhere in the store after it was sent');
is(scalar @{ decode_json($t->get('/admin/forms/permit/drafts')->{content})->{data} }, 0, 'the draft is gone');

done_testing;
