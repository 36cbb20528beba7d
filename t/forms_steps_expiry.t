#!/usr/bin/perl
# A draft expires `ttl` after its last change: its resume link then finds
# nothing, and the retention timer removes it from the store. With the
# shortest ttl a form may have (one minute), on the real clock (a clock moved
# with libfaketime would not run under the sanitizers).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP qw(decode_json);
use Test::More;
use Time::HiRes qw(sleep time);
use Civic::Test;
use Civic::Browser;
use Civic::Receivers;

my $t = Civic::Test->new(http => <<'END');
    civic_store %%STORE%%;
    civic_form permit {
        title en "Permit";
        languages en;
        min_fill_time 0;
        save_and_return on ttl=1m;
        step who  { fields name; }
        step what { fields place; }
        field name text { required; label en "Name"; }
        field place text { label en "Place"; }
    }
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub drafts { decode_json($_[0]->get('/admin/status')->{content})->{forms}{permit}{drafts} }

my $b = Civic::Browser->new($t);
$b->get('/forms/permit');
my $saved = time;
my $p = $b->submit(fields => [name => 'Liisa'], action => 'save');
my ($link) = $p->{content} =~ /id="civic-resume-link">([^<]+)</;
ok($link, 'saved, with a resume link');
$link =~ s/&amp;/&/g;
$link =~ s{^http://[^/]+}{};
is(Civic::Browser->new($t)->get($link)->{status}, 200, 'which works within the ttl');
is(drafts($t), 1, 'one draft in the store');

sleep 0.5 while time < $saved + 62;
$p = Civic::Browser->new($t)->get($link);
is($p->{status}, 404, 'past its ttl the link finds nothing');
like($p->{content}, qr/have expired/, 'and says the answers have expired');

# The retention timer runs soon after a start (then every minute).
$t->stop;
$t->start;
ok(Civic::Receivers::wait_until(sub { drafts($t) == 0 }, 20), 'the retention timer removes the expired draft')
    or diag('drafts: ' . drafts($t));
like($t->error_log, qr/removed 1 expired drafts?/, 'and logs it');

done_testing;
