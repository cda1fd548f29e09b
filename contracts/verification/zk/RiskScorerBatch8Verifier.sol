// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity 0.8.30;

contract RiskScorerBatch8Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 16997433317919181258877166823195225263637750221200314276998035444655770420692;
    uint256 constant alphay  = 12258172497117605171408977057735044087150381623441032944536023381245941554323;
    uint256 constant betax1  = 2451954636541112248512939489744218315708871989572464792144701822287668134362;
    uint256 constant betax2  = 19348582947235480221656258050340886103617415220171365272661080448019688741285;
    uint256 constant betay1  = 20356003474323941857081376409875927002241741711803315611032398659074616753051;
    uint256 constant betay2  = 9500109912123765611099324281159998194721760985320288975123147454199292165232;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 6102528830902573808480653285991832295169462073169841431628120447650415105556;
    uint256 constant deltax2 = 2258954193154626530296887925285995283966900566375139194821494732008775500406;
    uint256 constant deltay1 = 4828589035634357967588771935891488836002975992459283060502802233428509177250;
    uint256 constant deltay2 = 16986832046565308896247355161073914426959766822996465820528446637984978229137;

    
    uint256 constant IC0x = 8443580386995190407282577591738997571549095834724892174936561990238464773534;
    uint256 constant IC0y = 12913408000758393339560893485093258455023780776616316635066149097226915155696;
    
    uint256 constant IC1x = 9623564651852002645384107633776541180001119805463199981359450237729734596134;
    uint256 constant IC1y = 5589967821896772195730704402772223797395039586871723600003551531983806571019;
    
    uint256 constant IC2x = 14883042360167921527122139971935875021574095315092270280681243880851872506084;
    uint256 constant IC2y = 2728391968106004851766735915863470506920559571229996708554385146134076572446;
    
    uint256 constant IC3x = 18730039868863657550380464469151292166821401263771302873358761652257821018098;
    uint256 constant IC3y = 2912273338917765615718896930425056391601018799823213602195827200001655136692;
    
    uint256 constant IC4x = 19018279585397454566063308597560078444757002445970625202103079366787663991596;
    uint256 constant IC4y = 4613718077860975367712300870860341909492396974616460525915752189286821552001;
    
    uint256 constant IC5x = 11018467399571938293637603044618045327867609836528257540420372927546615799547;
    uint256 constant IC5y = 588322949446265166870598475231177982174106682997638344149264008815162231234;
    
    uint256 constant IC6x = 11961096951323711208400679458531037948853162510548903091199875072828116370635;
    uint256 constant IC6y = 14182246246950533676480343107382233659922925016165317884752990276024823176004;
    
    uint256 constant IC7x = 6019093135735867674095743917433171361720486482912927232704595775388394520157;
    uint256 constant IC7y = 19089973016191113493647979201262518396752976285065547409507071559719183205515;
    
    uint256 constant IC8x = 10138540756370957347420535892144728311441503990317682455601612275094384484597;
    uint256 constant IC8y = 15311174173258265844760996341709506549799332265282509355082801542134668959101;
    
    uint256 constant IC9x = 10499151573409515829273970151675670352089988544187377464673514260326129508027;
    uint256 constant IC9y = 21216963010863050773660254819111805520622928852274356348225692195491817592955;
    
    uint256 constant IC10x = 21353611081568396736010649551491894367896035395472094620016790140368073661043;
    uint256 constant IC10y = 6713582759151110575614383479132530324261576454464354019430642424466019170480;
    
    uint256 constant IC11x = 4364027654844548416217425101353074770047110543593036897099069680359646617020;
    uint256 constant IC11y = 2788787768107330694102060337988812409238630631659232628497334474105106250634;
    
    uint256 constant IC12x = 14649718188617019931777725781200644649422021980713232102094287095885051422181;
    uint256 constant IC12y = 21590040252714066357371483958403567218654520643440214607700485713027644845452;
    
    uint256 constant IC13x = 13489781813672921458346880592012517078488447574865107021034962945189393218371;
    uint256 constant IC13y = 18722198959179786744336806547700822889847607263455404275891070907090626609774;
    
    uint256 constant IC14x = 9529968433100528774373798748481663693723350607416855969971103256595914589653;
    uint256 constant IC14y = 10732335410777763383507239244683298063374617200011812815125929154576600542320;
    
    uint256 constant IC15x = 9607565241691883068442321171159629351859219514717012484142229330422206036197;
    uint256 constant IC15y = 10316641452104731160799427789865701955496075131532591231082383246251938594294;
    
    uint256 constant IC16x = 12138434703161751210572515993702640798308052609460036327988805236675619507649;
    uint256 constant IC16y = 10940661959770101112944233869476660250671366340716196562664973791104749705659;
    
    uint256 constant IC17x = 6917532046882218985371770152670576962116801452255878140893800551687976445738;
    uint256 constant IC17y = 8036836637164210857896386409164032685525921468022200536829299418900922336733;
    
    uint256 constant IC18x = 34743161911761381850947919099088674144744907142486665678354936488445768636;
    uint256 constant IC18y = 16418184541365048675647598891429983551329367854870830781102058707494965862401;
    
    uint256 constant IC19x = 6783303286523664803120922369365191189737642939657868641224861246421608766973;
    uint256 constant IC19y = 8431375634040731064592565701990439307074646605323574147699485423644874448592;
    
    uint256 constant IC20x = 20253931750877383483971267799631080374727559326635865204226852739150017193687;
    uint256 constant IC20y = 9829475719034064064211618305993755710341593583530236650634920767404433614548;
    
    uint256 constant IC21x = 10612837999517339008698100252331884617714813966609993946484141883837723356106;
    uint256 constant IC21y = 9466771164557786872278056337199301546264252624792299853469593187817939369108;
    
    uint256 constant IC22x = 773553219116176355261127924527967144173948386780301102591140401386265020298;
    uint256 constant IC22y = 5938100942742579647445588307231143893211859680456890697816919334175667440273;
    
    uint256 constant IC23x = 11838649768503196467596813720314473644270152403320002192517802357178829805776;
    uint256 constant IC23y = 20311620990449058010044229176345750201118762305947977367277732965932602750706;
    
    uint256 constant IC24x = 16136067929217019403259286340511368342985872089279913301666464632288235143940;
    uint256 constant IC24y = 17936396828544787471468545256581804158762068890544391201463402791396523104315;
    
    uint256 constant IC25x = 16465622522902847222074539424259071157611636514273764641439619484062449021245;
    uint256 constant IC25y = 5204516642013728564017243034066557487934058581422635245723602357138327673489;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[25] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                
                g1_mulAccC(_pVk, IC13x, IC13y, calldataload(add(pubSignals, 384)))
                
                g1_mulAccC(_pVk, IC14x, IC14y, calldataload(add(pubSignals, 416)))
                
                g1_mulAccC(_pVk, IC15x, IC15y, calldataload(add(pubSignals, 448)))
                
                g1_mulAccC(_pVk, IC16x, IC16y, calldataload(add(pubSignals, 480)))
                
                g1_mulAccC(_pVk, IC17x, IC17y, calldataload(add(pubSignals, 512)))
                
                g1_mulAccC(_pVk, IC18x, IC18y, calldataload(add(pubSignals, 544)))
                
                g1_mulAccC(_pVk, IC19x, IC19y, calldataload(add(pubSignals, 576)))
                
                g1_mulAccC(_pVk, IC20x, IC20y, calldataload(add(pubSignals, 608)))
                
                g1_mulAccC(_pVk, IC21x, IC21y, calldataload(add(pubSignals, 640)))
                
                g1_mulAccC(_pVk, IC22x, IC22y, calldataload(add(pubSignals, 672)))
                
                g1_mulAccC(_pVk, IC23x, IC23y, calldataload(add(pubSignals, 704)))
                
                g1_mulAccC(_pVk, IC24x, IC24y, calldataload(add(pubSignals, 736)))
                
                g1_mulAccC(_pVk, IC25x, IC25y, calldataload(add(pubSignals, 768)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            
            checkField(calldataload(add(_pubSignals, 384)))
            
            checkField(calldataload(add(_pubSignals, 416)))
            
            checkField(calldataload(add(_pubSignals, 448)))
            
            checkField(calldataload(add(_pubSignals, 480)))
            
            checkField(calldataload(add(_pubSignals, 512)))
            
            checkField(calldataload(add(_pubSignals, 544)))
            
            checkField(calldataload(add(_pubSignals, 576)))
            
            checkField(calldataload(add(_pubSignals, 608)))
            
            checkField(calldataload(add(_pubSignals, 640)))
            
            checkField(calldataload(add(_pubSignals, 672)))
            
            checkField(calldataload(add(_pubSignals, 704)))
            
            checkField(calldataload(add(_pubSignals, 736)))
            
            checkField(calldataload(add(_pubSignals, 768)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
